package report

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// cellError is why one cell could not be read, in both languages.
type cellError struct{ calc.Text }

func (e *cellError) Error() string { return e.En }

func badCell(t calc.Text) error { return &cellError{t} }

// parseNumber reads a number written in a file's cell with
// [calc.ParseNumber], the one grammar of typed numbers. A file's convention
// is unknown (any program in any language may have written it), so "5,000"
// is refused as ambiguous rather than guessed.
func parseNumber(s string) (decimal.Decimal, error) {
	if strings.TrimSpace(s) == "" {
		return decimal.Zero, badCell(calc.Text{Ru: "пусто", En: "empty"})
	}
	d, err := calc.ParseNumber(s, "")
	if err != nil {
		var ne *calc.NumberError
		if errors.As(err, &ne) && ne.Kind != calc.NumberSyntax {
			return decimal.Zero, badCell(ne.Text)
		}
		return decimal.Zero, badCell(calc.Text{Ru: "не число", En: "not a number"})
	}
	return d, nil
}

// spreadsheetNumber reads a number a workbook stores (its raw value, such as
// "0.30000000000000004") as the spreadsheet program shows it: rounded to
// 15 significant digits, so that 0.1+0.2 computed in a cell is 0.3.
func spreadsheetNumber(s string) (decimal.Decimal, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return decimal.Zero, false
	}
	d, err := decimal.NewFromString(strconv.FormatFloat(f, 'g', 15, 64))
	if err != nil {
		return decimal.Zero, false
	}
	return d, true
}

// Spreadsheet date serials this reader accepts: 1990-01-01 to 2100-12-31
// in the 1900 date system (a larger or smaller number in a date column is
// not a date).
const (
	minSerial = 32874 // 1990-01-01
	maxSerial = 73415 // 2100-12-31
)

// parseDate reads a date: ISO 2025-03-14, 14.03.2025 (also d.m.yyyy and
// with / or -), a spreadsheet date serial (45730 is 2025-03-14; date1904
// for workbooks in the 1904 date system), each optionally followed by a
// midnight time as exported by spreadsheet programs ("14.03.2025 0:00:00").
func parseDate(s string, date1904 bool) (calc.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, badCell(calc.Text{Ru: "пусто", En: "empty"})
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		rest := strings.TrimSpace(s[i+1:])
		if rest != "" && strings.Trim(rest, "0:.Z") != "" {
			return 0, badCell(calc.Text{Ru: "не дата (указано время)", En: "not a date (time of day given)"})
		}
		s = s[:i]
	}
	if f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil && !strings.ContainsAny(s, "-/") {
		if f != math.Trunc(f) {
			f = math.Trunc(f)
		}
		n := int(f)
		if date1904 {
			n += 1462
		}
		if n < minSerial || n > maxSerial {
			return 0, badCell(calc.Text{Ru: "не дата: число, которое не является датой между 1990 и 2100 годами", En: "not a date: a number that is no date between 1990 and 2100"})
		}
		return calc.Date(n - 25569), nil
	}
	layouts := []string{"2006-01-02", "02.01.2006", "2.1.2006", "02/01/2006", "2/1/2006", "02-01-2006"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return calc.FromTime(t), nil
		}
	}
	return 0, badCell(calc.Text{Ru: "не дата: укажите 14.03.2025 или 2025-03-14", En: "not a date: use 2025-03-14 or 14.03.2025"})
}

// parseCode reads a code of an enumerated column: the code itself in any
// case, or its Russian or English label ("аннуитет").
func parseCode(s string, values []string, upper bool) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, v := range values {
		if strings.EqualFold(s, v) {
			return v, nil
		}
	}
	for code, l := range enumLabels {
		if strings.EqualFold(s, l.Ru) || strings.EqualFold(s, l.En) {
			for _, v := range values {
				if v == code {
					return v, nil
				}
			}
		}
	}
	if upper {
		// Unknown codes go to calc as typed (upper case), which names the
		// allowed ones; a currency such as GBP is calc's to judge.
		return strings.ToUpper(s), nil
	}
	return "", badCell(calc.Text{Ru: "недопустимое значение; допустимы: " + strings.Join(values, ", "), En: "unknown value; allowed: " + strings.Join(values, ", ")})
}

// parseParticipants reads "BY:40;RU:35;KZ:25" (also with spaces, a
// decimal comma, a % sign, or new lines between participants).
func parseParticipants(s string) ([]calc.Participant, error) {
	var out []calc.Participant
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' })
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		cc, share, ok := strings.Cut(p, ":")
		cc = strings.ToUpper(strings.TrimSpace(cc))
		if !ok || len(cc) != 2 || !isLetters(cc) {
			return nil, badCell(
				calc.Text{Ru: "участник " + strconv.Itoa(i+1) + " не в виде СТРАНА:ДОЛЯ (BY:40;RU:35;KZ:25)", En: "participant " + strconv.Itoa(i+1) + " is not COUNTRY:SHARE (BY:40;RU:35;KZ:25)"})
		}
		d, err := parseNumber(strings.TrimSuffix(strings.TrimSpace(share), "%"))
		var ce *cellError
		if errors.As(err, &ce) && ce.En != "not a number" {
			return nil, badCell(calc.Text{Ru: "доля участника " + strconv.Itoa(i+1) + ": " + ce.Ru, En: "share of participant " + strconv.Itoa(i+1) + ": " + ce.En})
		}
		if err != nil {
			return nil, badCell(
				calc.Text{Ru: "доля участника " + strconv.Itoa(i+1) + " не число", En: "share of participant " + strconv.Itoa(i+1) + " is not a number"})
		}
		out = append(out, calc.Participant{Country: cc, Share: d})
	}
	if len(out) == 0 {
		return nil, badCell(calc.Text{Ru: "нет участников", En: "no participants"})
	}
	return out, nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) || r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
