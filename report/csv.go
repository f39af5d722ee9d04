package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// utf8BOM lets spreadsheet programs recognise UTF-8 (Cyrillic headers)
// when they open a CSV file.
const utf8BOM = "\uFEFF"

// CSVText is the one formula-injection guard of every CSV file the
// service writes: a cell starting with a character a spreadsheet program
// would run as a formula (=, +, -, @, a tab or a carriage return) gets a
// leading apostrophe, so "=HYPERLINK(…)" as a project name is shown as
// text and never executes. A negative number ("-5.00", "-5,00", "-12") is
// a number, not a formula, and passes unchanged; "-x" or "-1+2" is
// guarded.
func CSVText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if isPlainNumber(s[1:]) {
			return s
		}
		return "'" + s
	}
	return s
}

// isPlainNumber reports whether s is digits with at most one decimal point
// or comma between digits: "5", "5.00", "1000000,50".
func isPlainNumber(s string) bool {
	digits, sep := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '.' || c == ',') && !sep && digits > 0 && i < len(s)-1:
			sep = true
		default:
			return false
		}
	}
	return digits > 0
}

// csvDialect is how a CSV file spells its cells.
type csvDialect struct {
	lang  string // "ru" or "en": headers and yes/no; "" for raw (JSON keys)
	comma rune
	dot   string // decimal separator
	bom   bool
	iso   bool // ISO dates (else dd.mm.yyyy)
}

var (
	dialectRu  = csvDialect{lang: "ru", comma: ';', dot: ",", bom: true}
	dialectEn  = csvDialect{lang: "en", comma: ',', dot: ".", bom: true, iso: true}
	dialectRaw = csvDialect{comma: ',', dot: ".", iso: true}
)

func dialectOf(lang string) csvDialect {
	if Lang(lang) == "en" {
		return dialectEn
	}
	return dialectRu
}

// csvWriter is the one CSV writer of the service: it writes the byte order
// mark when the dialect has one, separates cells by the dialect's comma
// and passes every cell through [CSVText].
type csvWriter struct {
	cw  *csv.Writer
	d   csvDialect
	row []string
}

func newCSVWriter(w io.Writer, d csvDialect) (*csvWriter, error) {
	if d.bom {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return nil, err
		}
	}
	cw := csv.NewWriter(w)
	cw.Comma = d.comma
	return &csvWriter{cw: cw, d: d}, nil
}

func (w *csvWriter) write(cells []string) error {
	w.row = w.row[:0]
	for _, c := range cells {
		w.row = append(w.row, CSVText(c))
	}
	return w.cw.Write(w.row)
}

func (w *csvWriter) flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// number writes a plain decimal string ("-1234.5") with the dialect's
// decimal separator and no thousands separators.
func (d csvDialect) number(s string) string {
	if d.dot != "." {
		return strings.Replace(s, ".", d.dot, 1)
	}
	return s
}

func (d csvDialect) date(t calc.Date) string {
	if d.iso {
		return t.String()
	}
	y, m, day := t.Civil()
	return fmt.Sprintf("%02d.%02d.%04d", day, int(m), y)
}

func (d csvDialect) bool(b bool) string {
	if d.lang == "" {
		return strconv.FormatBool(b)
	}
	return yesNo(b, d.lang)
}

// csvColumn is one column of the schedule CSV: its JSON key (the raw
// header), its headers, whether it holds money (its header then names the
// currency) and its cell.
type csvColumn struct {
	key   string
	head  calc.Text
	money bool
	cell  func(d csvDialect, res *calc.Result, p *calc.Period) string
}

func moneyCol(key string, head calc.Text, get func(p *calc.Period) calc.Money) csvColumn {
	return csvColumn{key: key, head: head, money: true, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string {
		return d.number(get(p).String())
	}}
}

// scheduleCSV are the columns of the schedule CSV, in order: the JSON
// fields of calc.Period, then the result's eligibility and currency.
var scheduleCSV = []csvColumn{
	{key: "n", head: calc.Text{Ru: "№", En: "No."}, cell: func(_ csvDialect, _ *calc.Result, p *calc.Period) string { return strconv.Itoa(p.N) }},
	{key: "start", head: calc.Text{Ru: "Начало периода", En: "Period start"}, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string { return d.date(p.Start) }},
	{key: "end", head: calc.Text{Ru: "Дата платежа", En: "Payment date"}, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string { return d.date(p.End) }},
	{key: "days", head: calc.Text{Ru: "Дней", En: "Days"}, cell: func(_ csvDialect, _ *calc.Result, p *calc.Period) string { return strconv.Itoa(p.Days) }},
	moneyCol("opening_balance", calc.Text{Ru: "Остаток на начало", En: "Opening balance"}, func(p *calc.Period) calc.Money { return p.OpeningBalance }),
	moneyCol("drawdown", calc.Text{Ru: "Выдача в периоде", En: "Drawdown"}, func(p *calc.Period) calc.Money { return p.Drawdown }),
	moneyCol("interest", calc.Text{Ru: "Проценты", En: "Interest"}, func(p *calc.Period) calc.Money { return p.Interest }),
	moneyCol("principal", calc.Text{Ru: "Основной долг", En: "Principal"}, func(p *calc.Period) calc.Money { return p.Principal }),
	moneyCol("payment", calc.Text{Ru: "Платёж", En: "Payment"}, func(p *calc.Period) calc.Money { return p.Payment }),
	moneyCol("closing_balance", calc.Text{Ru: "Остаток на конец", En: "Closing balance"}, func(p *calc.Period) calc.Money { return p.ClosingBalance }),
	{key: "contract_rate", head: calc.Text{Ru: "Ставка по кредиту, % годовых", En: "Contract rate, % a year"}, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string {
		return d.number(p.ContractRate.String())
	}},
	{key: "base_rate", head: calc.Text{Ru: "Ставка центрального банка, % годовых", En: "Policy rate, % a year"}, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string {
		return d.number(p.BaseRate.String())
	}},
	{key: "subsidy_rate", head: calc.Text{Ru: "Ставка субсидии, % годовых", En: "Subsidy rate, % a year"}, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string {
		return d.number(p.SubsidyRate.String())
	}},
	{key: "rates_vary", head: calc.Text{Ru: "Ставки менялись в периоде", En: "Rates changed in the period"}, cell: func(d csvDialect, _ *calc.Result, p *calc.Period) string {
		return d.bool(p.RatesVary)
	}},
	moneyCol("subsidy", calc.Text{Ru: "Субсидия по правилу", En: "Subsidy (rule)"}, func(p *calc.Period) calc.Money { return p.Subsidy }),
	moneyCol("subsidy_paid", calc.Text{Ru: "Субсидия при выполнении условий", En: "Subsidy if the conditions are met"}, func(p *calc.Period) calc.Money { return p.SubsidyPaid }),
	moneyCol("subsidy_payable", calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}, func(p *calc.Period) calc.Money { return p.SubsidyPayable }),
	moneyCol("borrower_interest", calc.Text{Ru: "Проценты заёмщика", En: "Borrower interest"}, func(p *calc.Period) calc.Money { return p.BorrowerInterest }),
	moneyCol("borrower_payment", calc.Text{Ru: "Платёж заёмщика", En: "Borrower payment"}, func(p *calc.Period) calc.Money { return p.BorrowerPayment }),
	{key: "eligible", head: calc.Text{Ru: "Условия программы выполнены", En: "Eligible"}, cell: func(d csvDialect, res *calc.Result, _ *calc.Period) string {
		return d.bool(res.Eligible)
	}},
	{key: "currency", head: calc.Text{Ru: "Валюта", En: "Currency"}, cell: func(_ csvDialect, res *calc.Result, _ *calc.Period) string { return res.Currency }},
}

// WriteScheduleCSV writes the schedule of res as CSV for a spreadsheet
// program in lang, one row per period: Russian ("ru", the default) with
// ";" between cells, a decimal comma, dates 14.03.2025 and Russian
// headers, as a Russian Excel reads it; English ("en") with ",", a decimal
// point, ISO dates and English headers. Both start with a UTF-8 byte order
// mark; amounts have two decimals and no thousands separators, negatives
// an ASCII minus; rates are percent a year. Every route (the API's and the
// page's ?format=csv, subsidy calc -o x.csv) writes through it. The
// columns are those of [WriteScheduleCSVRaw], including subsidy_payable
// and eligible (SPEC §6).
func WriteScheduleCSV(w io.Writer, res *calc.Result, lang string) error {
	return writeScheduleCSV(w, res, dialectOf(lang))
}

// WriteScheduleCSVRaw writes the schedule of res as machine CSV (RFC 4180):
// the JSON keys of calc.Period as headers (then eligible and currency),
// "," between cells, a decimal point, ISO dates, true/false, no byte order
// mark, the same figures as the JSON answer.
func WriteScheduleCSVRaw(w io.Writer, res *calc.Result) error {
	return writeScheduleCSV(w, res, dialectRaw)
}

func writeScheduleCSV(w io.Writer, res *calc.Result, d csvDialect) error {
	cw, err := newCSVWriter(w, d)
	if err != nil {
		return err
	}
	row := make([]string, len(scheduleCSV))
	for i, c := range scheduleCSV {
		switch {
		case d.lang == "":
			row[i] = c.key
		case c.money:
			row[i] = c.head.In(d.lang) + ", " + res.Currency
		default:
			row[i] = c.head.In(d.lang)
		}
	}
	if err := cw.write(row); err != nil {
		return err
	}
	for i := range res.Schedule {
		p := &res.Schedule[i]
		for j, c := range scheduleCSV {
			row[j] = c.cell(d, res, p)
		}
		if err := cw.write(row); err != nil {
			return err
		}
	}
	return cw.flush()
}
