package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// run runs a batch into a report file and returns its path.
func run(t *testing.T, input string, cfg batch.Config) (*batch.Outcome, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.xlsx")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var last batch.Progress
	o, err := batch.Run(context.Background(), input, cfg, f, func(p batch.Progress) { last = p })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if last.Done != o.Computed || last.Failed != o.Rejected || last.Total != o.Rows {
		t.Errorf("last progress %+v, outcome %+v", last, o)
	}
	return o, out
}

func sameMoney(cell string, m calc.Money) bool {
	d, err := decimal.NewFromString(cell)
	return err == nil && d.Equal(m.Decimal())
}

// TestRoundTrip fills the template's columns with generated loans, runs
// the batch, and checks every project of the report against a single
// calculation of the same loan sent as the JSON of POST
// /api/v1/calculations.
func TestRoundTrip(t *testing.T) {
	loans := generate(150, 1, false)
	bad := [][]string{
		{"BAD-1", "x", "RU:100", "eaeu-industrial", "не число", "RUB", "20", "2025-01-01", "60"},
		{"L000001", "duplicate id", "RU:100", "eaeu-industrial", "1000", "RUB", "20", "2025-01-01", "60"},
		{"BAD-3", "calc refuses", "RU:100", "eaeu-industrial", "1000", "RUB", "20", "2025-01-01", "7", "annuity", "quarterly"},
	}
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			input := writeInput(t, t.TempDir(), loans, format, bad)
			o, path := run(t, input, batch.Config{Lang: "en", Parallel: 4})
			if o.Rows != len(loans)+len(bad) || o.Computed+o.Rejected != o.Rows || o.Rejected != len(bad) {
				t.Fatalf("outcome %+v: want %d rows, %d rejected", o, len(loans)+len(bad), len(bad))
			}
			projects := sheet(t, path, "Projects")
			h := projects[0]
			cID, cStatus := column(t, h, "id"), column(t, h, "Status")
			cInterest, cSubsidy, cPaid := column(t, h, "Interest"), column(t, h, "Subsidy under the rule"), column(t, h, "Would be paid if the conditions were met")
			cPayable := column(t, h, "Subsidy payable")
			cBorrower, cPV := column(t, h, "Borrower interest"), column(t, h, "Subsidy present value")
			yearCol := map[int]int{}
			for i, name := range h {
				if y, ok := strings.CutPrefix(name, "Payable "); ok {
					n, _ := strconv.Atoi(y)
					yearCol[n] = i
				}
			}
			if len(projects) != o.Rows+1 {
				t.Fatalf("Projects has %d rows, want %d loans + header", len(projects)-1, o.Rows)
			}
			byID := map[string][]string{}
			for _, r := range projects[1:] {
				for len(r) < len(h) {
					r = append(r, "")
				}
				if r[cID] != "L000001" || byID["L000001"] == nil {
					byID[r[cID]] = r
				}
			}
			for _, l := range loans {
				var req calc.Request
				if err := json.Unmarshal([]byte(l.request("en")), &req); err != nil {
					t.Fatal(err)
				}
				res, err := calc.Calculate(&req, calc.Options{})
				if err != nil {
					t.Fatalf("%s: single calculation: %v", l[report.ColID], err)
				}
				r := byID[l[report.ColID]]
				if r == nil {
					t.Fatalf("%s missing from the report", l[report.ColID])
				}
				if r[cStatus] == "rejected" {
					t.Fatalf("%s rejected: %s", l[report.ColID], r[len(r)-1])
				}
				for _, c := range []struct {
					col  int
					want calc.Money
				}{{cInterest, res.Totals.Interest}, {cSubsidy, res.Totals.Subsidy}, {cPaid, res.Totals.SubsidyPaid},
					{cPayable, res.Totals.SubsidyPayable},
					{cBorrower, res.Totals.BorrowerInterest}, {cPV, res.SubsidyPresentValue}} {
					if !sameMoney(r[c.col], c.want) {
						t.Errorf("%s %s: report %q, single calculation %s", l[report.ColID], h[c.col], r[c.col], c.want)
					}
				}
				for _, y := range res.Years {
					if y.SubsidyPayable == 0 {
						continue
					}
					if !sameMoney(r[yearCol[y.Year]], y.SubsidyPayable) {
						t.Errorf("%s payable in %d: report %q, single calculation %s", l[report.ColID], y.Year, r[yearCol[y.Year]], y.SubsidyPayable)
					}
				}
			}
			errs := sheet(t, path, "Errors")
			want := map[string]string{"BAD-1": "amount", "L000001": "id", "BAD-3": "term_months"}
			for _, e := range errs[1:] {
				if col, ok := want[e[1]]; ok && strings.HasSuffix(e[2], "("+col+")") {
					delete(want, e[1])
				}
			}
			if len(want) > 0 {
				t.Errorf("errors not reported: %v in %q", want, errs)
			}
		})
	}
}

func TestAllocation(t *testing.T) {
	loans := generate(40, 7, true)
	input := writeInput(t, t.TempDir(), loans, "csv", nil)
	for _, method := range []string{calc.ProRata, calc.FirstCome} {
		t.Run(method, func(t *testing.T) {
			budget := &batch.Budget{Amount: 150_000_000_00, Currency: "RUB"}
			o, path := run(t, input, batch.Config{Lang: "ru", Budget: budget, Allocation: method})
			if len(o.Allocation) == 0 {
				t.Fatal("no allocation")
			}
			for _, y := range o.Allocation {
				demand, _ := decimal.NewFromString(y.Demand)
				alloc, _ := decimal.NewFromString(y.Allocated)
				want := decimal.Min(demand, budget.Amount.Decimal())
				if !alloc.Equal(want) {
					t.Errorf("%d: allocated %s of demand %s, want %s", y.Year, alloc, demand, want)
				}
			}
			rows := sheet(t, path, "Распределение")
			if len(rows) < 2 {
				t.Fatal("allocation sheet empty")
			}
			// Within a year the allocations add up to the year's figure.
			sums := map[string]decimal.Decimal{}
			for _, r := range rows[1:] {
				d, _ := decimal.NewFromString(r[5])
				sums[r[0]] = sums[r[0]].Add(d)
			}
			for _, y := range o.Allocation {
				if !sums[strconv.Itoa(y.Year)].Equal(decimal.RequireFromString(y.Allocated)) {
					t.Errorf("%d: rows add up to %s, summary says %s", y.Year, sums[strconv.Itoa(y.Year)], y.Allocated)
				}
			}
			if method == calc.FirstCome {
				// Served in full before anyone later is served at all.
				var year string
				short := false
				for _, r := range rows[1:] {
					if r[0] != year {
						year, short = r[0], false
					}
					dem, _ := decimal.NewFromString(r[4])
					got, _ := decimal.NewFromString(r[5])
					if short && got.IsPositive() {
						t.Fatalf("first_come served row %s after a shortfall in %s", r[2], year)
					}
					if got.LessThan(dem) {
						short = true
					}
				}
			}
		})
	}
}

func TestParseBudget(t *testing.T) {
	cases := []struct {
		in, lang, cur string
		want          calc.Money
		ok            bool
	}{
		{"5000000000", "ru", "RUB", 5_000_000_000_00, true},
		{"5 000 000 000,50 KZT", "ru", "KZT", 5_000_000_000_50, true},
		{"1,000.25 rub", "en", "RUB", 1_000_25, true},
		// The English "5,000" is five thousand, never five.
		{"5,000 RUB", "en", "RUB", 5_000_00, true},
		{"5,000,000", "ru", "RUB", 5_000_000_00, true},
		{"-5", "ru", "", 0, false},
		{"lots", "en", "", 0, false},
		{"1.005", "en", "", 0, false},
		// In Russian "5,000" may be 5 or 5000: refused, never guessed.
		{"5,000 RUB", "ru", "", 0, false},
	}
	for _, c := range cases {
		b, err := batch.ParseBudget(c.in, c.lang, "RUB")
		if !c.ok {
			var ce *calc.Error
			if !errors.As(err, &ce) || ce.Fields[0].Field != "annual_budget" {
				t.Errorf("%q: %v, want an annual_budget error", c.in, err)
			}
			continue
		}
		if err != nil || b.Amount != c.want || b.Currency != c.cur {
			t.Errorf("%q: %+v %v", c.in, b, err)
		}
	}
	_, err := batch.ParseBudget("5,000", "ru", "RUB")
	if err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("an ambiguous budget is refused without saying why: %v", err)
	}
}

// TestRunSchedules puts every schedule on the Schedules sheets.
func TestRunSchedules(t *testing.T) {
	loans := generate(5, 3, true)
	input := writeInput(t, t.TempDir(), loans, "xlsx", nil)
	_, path := run(t, input, batch.Config{Lang: "en", Schedules: true})
	rows := sheet(t, path, "Schedules")
	if len(rows) != 1+5*60 {
		t.Errorf("Schedules has %d rows, want 300 periods + header", len(rows))
	}
}

// TestRunInputError: a file that is no batch input writes no report.
func TestRunInputError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("hello\nworld\n"), 0o644)
	_, err := batch.Run(context.Background(), p, batch.Config{}, nil, nil)
	var ie *report.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("%v, want an InputError", err)
	}
}

// TestRunPanics: a row that makes the engine panic is rejected, the others
// are computed.
func TestRunPanics(t *testing.T) {
	loans := generate(20, 5, true)
	input := writeInput(t, t.TempDir(), loans, "csv", nil)
	cfg := batch.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Calculate: func(r *calc.Request, into *calc.Result) (*calc.Result, error) {
		if r.Loan.Amount.Equal(decimal.RequireFromString(loans[7][report.ColAmount])) {
			panic("boom")
		}
		return calc.Calculate(r, calc.Options{Into: into})
	}}
	o, _ := run(t, input, cfg)
	if o.Rows != 20 || o.Rejected != 1 || o.Computed != 19 || len(o.Errors) != 1 || !strings.Contains(o.Errors[0].En, "internal") {
		t.Errorf("outcome %+v", o)
	}
}

// TestRejectedRowsShowTheirValues: a row the engine refuses lists, on the
// Errors sheet, the column, the value as read and the reason, for every
// problem of the row.
func TestRejectedRowsShowTheirValues(t *testing.T) {
	p := filepath.Join(t.TempDir(), "loans.csv")
	input := "id;participants;programme;amount;currency;rate;issue_date;term_months\n" +
		"A;\"BY:40;RU:35;KZ:25\";eaeu-industrial;1000000;RUB;20;2025-03-14;12\n" +
		"B;\"BY:40;RU:35;KZ:25\";eaeu-industrial;-5;RUB;120;2025-03-14;12\n"
	if err := os.WriteFile(p, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	o, out := run(t, p, batch.Config{Lang: "en"})
	if o.Rows != 2 || o.Computed != 1 || o.Rejected != 1 {
		t.Fatalf("outcome %+v, want 2 rows: 1 computed, 1 rejected", o)
	}
	rows := sheet(t, out, "Errors")
	want := map[string]string{"amount": "-5", "rate": "120"}
	for _, r := range rows[1:] {
		if len(r) < 5 || r[1] != "B" {
			continue
		}
		// The column by its name and, in parentheses, its key.
		key := strings.TrimSuffix(r[2][strings.LastIndex(r[2], "(")+1:], ")")
		if v, ok := want[key]; ok && r[3] == v && r[4] != "" {
			delete(want, key)
		}
	}
	if len(want) > 0 {
		t.Errorf("Errors sheet lacks %v: %v", want, rows)
	}
}

// TestIneligibleCountApart: a loan that fails an eligibility check (two
// member states where the programme asks for three) is counted apart,
// adds nothing to the payable sums and gets no budget, under either
// allocation method (SPEC §6). The same run writes the report in the other
// language too.
func TestIneligibleCountApart(t *testing.T) {
	loans := generate(30, 11, true)
	ineligible := map[string]bool{}
	for i, l := range loans {
		l[report.ColRate] = "18" // under every ceiling
		if i%3 == 0 {
			l[report.ColParticipants] = "RU:60;BY:40"
		} else {
			l[report.ColParticipants] = "BY:40;RU:35;KZ:25"
		}
		if i%3 == 0 {
			ineligible[l[report.ColID]] = true
		}
	}
	input := writeInput(t, t.TempDir(), loans, "csv", nil)
	for _, method := range []string{calc.ProRata, calc.FirstCome} {
		t.Run(method, func(t *testing.T) {
			// A budget larger than any demand: an ineligible loan given
			// money would show.
			budget := &batch.Budget{Amount: 900_000_000_000_00, Currency: "RUB"}
			other := filepath.Join(t.TempDir(), "other.xlsx")
			of, err := os.Create(other)
			if err != nil {
				t.Fatal(err)
			}
			defer of.Close()
			o, path := run(t, input, batch.Config{Lang: "ru", Budget: budget, Allocation: method, Other: of})
			if o.Computed != o.Eligible+o.Ineligible || o.Rows != o.Computed+o.Rejected {
				t.Fatalf("outcome %+v: computed ≠ eligible + ineligible", o)
			}
			if o.Ineligible != len(ineligible) || o.IneligibleBy[calc.CheckMinMemberStates] != len(ineligible) {
				t.Fatalf("ineligible %d by %v, want %d for min_member_states", o.Ineligible, o.IneligibleBy, len(ineligible))
			}
			if len(o.IneligibleLoans) != len(ineligible) || len(o.IneligibleLoans[0].Failed) == 0 {
				t.Fatalf("ineligible loans %+v", o.IneligibleLoans)
			}
			// The payable sum is that of the eligible loans' single
			// calculations.
			var want calc.Money
			for _, l := range loans {
				if ineligible[l[report.ColID]] {
					continue
				}
				var req calc.Request
				if err := json.Unmarshal([]byte(l.request("ru")), &req); err != nil {
					t.Fatal(err)
				}
				res, err := calc.Calculate(&req, calc.Options{})
				if err != nil || !res.Eligible {
					t.Fatalf("%s: %v eligible=%v", l[report.ColID], err, res != nil && res.Eligible)
				}
				want += res.Totals.SubsidyPayable
			}
			if got := o.SubsidyPayable["RUB"]; got != want.Decimal().StringFixed(2) {
				t.Errorf("payable %s, want %s (eligible loans only)", got, want.Decimal().StringFixed(2))
			}
			// No allocation row is an ineligible loan's, and the budget,
			// larger than the demand, covers exactly the eligible demand.
			var allocated decimal.Decimal
			for _, r := range sheet(t, path, "Распределение")[1:] {
				if ineligible[r[3]] {
					t.Errorf("ineligible %s in the allocation: %q", r[3], r)
				}
				d, _ := decimal.NewFromString(r[5])
				allocated = allocated.Add(d)
			}
			if !allocated.Equal(want.Decimal()) {
				t.Errorf("allocated %s, want the eligible demand %s", allocated, want.Decimal())
			}
			// The Projects sheet marks them; the other language's report
			// has the same rows.
			projects := sheet(t, path, "Проекты")
			cEl := column(t, projects[0], "Условия выполнены")
			no := 0
			for _, r := range projects[1:] {
				if r[cEl] == "нет" {
					no++
				}
			}
			if no != len(ineligible) {
				t.Errorf("%d rows marked ineligible, want %d", no, len(ineligible))
			}
			if en := sheet(t, other, "Projects"); len(en) != len(projects) {
				t.Errorf("English report: %d rows, Russian %d", len(en), len(projects))
			}
		})
	}
}

// TestRunIssueFiveLoans: the file of the issue, a company name written
// "Ромашка" ООО on every line, gives its five loans, none lost; and
// rows = computed + rejected.
func TestRunIssueFiveLoans(t *testing.T) {
	p := filepath.Join(t.TempDir(), "loans.csv")
	var b strings.Builder
	b.WriteString("id;project;programme;amount;currency;rate;issue_date;term_months\n")
	for i := range 5 {
		fmt.Fprintf(&b, "A%d;\"Ромашка\" ООО;custom;1000000;RUB;20;2025-03-14;12\n", i+1)
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, _ := run(t, p, batch.Config{Lang: "en"})
	if o.Rows != 5 || o.Computed+o.Rejected != 5 {
		t.Fatalf("outcome %+v, want 5 rows", o)
	}
}

// TestRunErrorsCut: the outcome lists the first 100 problems and says how
// many more there are; thousands of unknown columns give a few warnings
// and a count, not one each.
func TestRunErrorsCut(t *testing.T) {
	p := filepath.Join(t.TempDir(), "loans.csv")
	var b strings.Builder
	b.WriteString("id;programme;amount;currency;rate;issue_date;term_months")
	for i := range 5000 {
		fmt.Fprintf(&b, ";x%d", i)
	}
	b.WriteString("\n")
	for i := range 130 {
		fmt.Fprintf(&b, "B%d;custom;abc;RUB;20;2025-03-14;12\n", i)
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, _ := run(t, p, batch.Config{Lang: "en"})
	if o.Rejected != 130 || len(o.Errors) != 100 || o.ErrorsOmitted != 30 {
		t.Errorf("rejected %d, %d errors listed, %d omitted; want 130, 100, 30", o.Rejected, len(o.Errors), o.ErrorsOmitted)
	}
	if len(o.Warnings) != 21 || !strings.Contains(o.Warnings[20].En, "4980 more columns") {
		t.Errorf("%d warnings, last %+v", len(o.Warnings), o.Warnings[len(o.Warnings)-1])
	}
}

// TestRunRowInvariantRandom: on random CSV files with awkward quoting,
// blank lines and mixed line endings, the data rows in the file (counted
// by the generator, line by line) equal computed + rejected, and each
// error names a row that holds a loan.
func TestRunRowInvariantRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 10))
	names := []string{`Ромашка`, `"Ромашка" ООО`, `"Ромашка ""Лютик"""`, `Ромашка "Лютик"`, `"a;b"`, `"x"y"z`, `"unterminated`, `ООО "Лютик"`, `Лютик"`, ``}
	amounts := []string{"1000000", "abc", "-5", "1 000 000,50"}
	ends := []string{"\n", "\r\n", "\r"}
	for iter := range 20 {
		end := ends[rng.IntN(3)]
		var b strings.Builder
		b.WriteString("id;project;programme;amount;currency;rate;issue_date;term_months" + end)
		line, rows := 1, map[int]bool{}
		for k := range rng.IntN(25) {
			line++
			if rng.IntN(5) == 0 {
				b.WriteString(";;;;" + end)
				continue
			}
			rows[line] = true
			fmt.Fprintf(&b, "R%d;%s;custom;%s;RUB;20;2025-03-14;12%s", k, names[rng.IntN(len(names))], amounts[rng.IntN(len(amounts))], end)
		}
		p := filepath.Join(t.TempDir(), "loans.csv")
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		o, _ := run(t, p, batch.Config{Lang: "en"})
		if o.Rows != len(rows) || o.Computed+o.Rejected != len(rows) {
			t.Fatalf("file %d: %d data lines in, outcome rows %d = %d computed + %d rejected\n%q",
				iter, len(rows), o.Rows, o.Computed, o.Rejected, b.String())
		}
		for _, e := range o.Errors {
			if !rows[e.Row] {
				t.Fatalf("file %d: an error names line %d, which holds no loan", iter, e.Row)
			}
		}
	}
}
