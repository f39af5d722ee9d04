package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// csvLoan is a 24-month EAEU loan with participants from the given
// states (two states fail min_member_states).
func csvLoan(t *testing.T, countries ...string) *calc.Result {
	t.Helper()
	req := &calc.Request{
		Loan: calc.Loan{Amount: dec("100000000.00"), Currency: "RUB", Rate: decp("24.5"),
			IssueDate: calc.MustDate("2025-03-14"), TermMonths: 24,
			RateChanges: []calc.RatePoint{{Date: calc.MustDate("2025-06-01"), Rate: dec("23")}}},
		Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial"},
	}
	shares := map[int][]string{2: {"60", "40"}, 3: {"40", "35", "25"}}[len(countries)]
	for i, c := range countries {
		req.Project.Participants = append(req.Project.Participants, calc.Participant{Country: c, Share: dec(shares[i])})
	}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestScheduleCSVDialects reads each dialect back and compares every cell
// with the JSON encoding of the same result: the CSV says what the API
// says, spelled for its reader.
func TestScheduleCSVDialects(t *testing.T) {
	for _, tc := range []struct {
		name      string
		countries []string
		eligible  bool
	}{
		{"Eligible", []string{"BY", "RU", "KZ"}, true},
		{"Ineligible", []string{"BY", "RU"}, false},
	} {
		res := csvLoan(t, tc.countries...)
		if res.Eligible != tc.eligible {
			t.Fatalf("%s: eligible %v", tc.name, res.Eligible)
		}
		js, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Schedule []map[string]any `json:"schedule"`
		}
		if err := json.Unmarshal(js, &want); err != nil {
			t.Fatal(err)
		}
		for _, d := range []struct {
			name, head0, head16, yes, no string
			comma                        rune
			bom                          bool
			write                        func(*bytes.Buffer) error
			// plain turns a cell back into the JSON spelling.
			plain func(key, cell string) string
		}{
			{"ru", "№", "Субсидия к выплате, RUB", "да", "нет", ';', true,
				func(b *bytes.Buffer) error { return report.WriteScheduleCSV(b, res, "ru") },
				func(key, cell string) string {
					if key == "start" || key == "end" {
						return cell[6:10] + "-" + cell[3:5] + "-" + cell[0:2]
					}
					return strings.Replace(cell, ",", ".", 1)
				}},
			{"en", "No.", "Subsidy payable, RUB", "yes", "no", ',', true,
				func(b *bytes.Buffer) error { return report.WriteScheduleCSV(b, res, "en") },
				func(_, cell string) string { return cell }},
			{"raw", "n", "subsidy_payable", "true", "false", ',', false,
				func(b *bytes.Buffer) error { return report.WriteScheduleCSVRaw(b, res) },
				func(_, cell string) string { return cell }},
		} {
			t.Run(tc.name+"/"+d.name, func(t *testing.T) {
				var b bytes.Buffer
				if err := d.write(&b); err != nil {
					t.Fatal(err)
				}
				body := b.Bytes()
				if hasBOM := bytes.HasPrefix(body, []byte("\uFEFF")); hasBOM != d.bom {
					t.Errorf("byte order mark %v, want %v", hasBOM, d.bom)
				}
				r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
				r.Comma = d.comma
				rows, err := r.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != len(res.Schedule)+1 {
					t.Fatalf("%d rows for %d periods", len(rows), len(res.Schedule))
				}
				raw := rowsOf(t, func(b *bytes.Buffer) error { return report.WriteScheduleCSVRaw(b, res) })
				keys := raw[0]
				if rows[0][0] != d.head0 || rows[0][16] != d.head16 || keys[16] != "subsidy_payable" {
					t.Errorf("header %q", rows[0])
				}
				for i, row := range rows[1:] {
					for j, cell := range row {
						key := keys[j]
						got := d.plain(key, cell)
						if d.name == "ru" && strings.Contains(cell, ".") && key != "start" && key != "end" {
							t.Errorf("row %d %s: %q has a decimal point in Russian", i+1, key, cell)
						}
						switch key {
						case "eligible":
							if w := map[bool]string{true: d.yes, false: d.no}[res.Eligible]; cell != w {
								t.Errorf("row %d eligible %q, want %q", i+1, cell, w)
							}
							continue
						case "rates_vary":
							if w := map[bool]string{true: d.yes, false: d.no}[res.Schedule[i].RatesVary]; cell != w {
								t.Errorf("row %d rates_vary %q, want %q", i+1, cell, w)
							}
							continue
						case "currency":
							if cell != res.Currency {
								t.Errorf("currency %q", cell)
							}
							continue
						}
						var w string
						switch v := want.Schedule[i][key].(type) {
						case string:
							w = v
						case float64:
							w = strconv.FormatFloat(v, 'f', -1, 64)
						}
						if got != w {
							t.Errorf("row %d %s: CSV %q, JSON %q", i+1, key, cell, w)
						}
					}
					payable := row[16]
					if !tc.eligible && d.plain("subsidy_payable", payable) != "0.00" {
						t.Errorf("ineligible row %d pays %q", i+1, payable)
					}
				}
			})
		}
	}
}

func rowsOf(t *testing.T, write func(*bytes.Buffer) error) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCSVGuard holds the cases both former guards were tested with
// (report.CSVText and handlers.CSVCell), which disagreed about "-5.00".
func TestCSVGuard(t *testing.T) {
	for in, want := range map[string]string{
		// formulas and their starts
		"=1+2": "'=1+2", "=SUM(A1)": "'=SUM(A1)", "+7 495": "'+7 495", "+1": "'+1",
		"-x": "'-x", "-cmd": "'-cmd", "-1+2": "'-1+2", "-": "'-", "-5.": "'-5.", "-.5": "'-.5",
		"@SUM(A1)": "'@SUM(A1)", "@cmd": "'@cmd", "\tcmd": "'\tcmd", "\tx": "'\tx", "\rx": "'\rx",
		// numbers, text and the empty cell pass
		"-5.00": "-5.00", "-5,00": "-5,00", "-12": "-12", "-1000000.50": "-1000000.50",
		"RUB": "RUB", "Plant A": "Plant A", "": "", "Завод = лучший": "Завод = лучший",
		"'already quoted": "'already quoted",
	} {
		if got := report.CSVText(in); got != want {
			t.Errorf("CSVText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTemplateCSVDialect: the batch template's CSV goes through the same
// writer (";" and a byte order mark in Russian, "," in English).
func TestTemplateCSVDialect(t *testing.T) {
	for lang, comma := range map[string]string{"ru": ";", "en": ","} {
		var b bytes.Buffer
		if err := report.WriteTemplateCSV(&b, lang); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		if !strings.HasPrefix(s, "\uFEFF") || !strings.Contains(strings.SplitN(s, "\n", 2)[0], comma+"") {
			t.Errorf("%s: %.120q", lang, s)
		}
	}
}
