package report_test

import (
	"testing"

	"github.com/eaeu-subsidy/subsidy/report"
)

// TestReadNumbersOneGrammar: a file's cells are read with calc.ParseNumber
// and no known convention, so a cell that may mean 5 or 5000 rejects its
// row with the reason instead of becoming 5 (what this reader did before
// it shared the form's grammar), and unambiguous forms of both
// conventions read the same.
func TestReadNumbersOneGrammar(t *testing.T) {
	path := writeFile(t, "loans.csv", []byte("id;amount;currency;rate;issue_date;term_months;programme;participants\n"+
		"A;5,000;RUB;20;14.03.2025;60;eaeu-industrial;RU:100\n"+
		"B;5 000;RUB;20,5;14.03.2025;60;eaeu-industrial;RU:100\n"+
		"C;5,000.00;RUB;20.5;14.03.2025;60;eaeu-industrial;RU:40,000;BY:60\n"+
		"D;1,00,000;RUB;20;14.03.2025;60;eaeu-industrial;RU:100\n"))
	_, loans := readAll(t, path, report.ReadOptions{})
	if len(loans) != 4 {
		t.Fatalf("%d loans, want 4", len(loans))
	}
	a, b, c, d := loans[0], loans[1], loans[2], loans[3]
	if a.Request != nil || !hasProblem(a, "amount", "ambiguous") || !hasProblem(a, "amount", "5000 or 5") {
		t.Errorf("row A (5,000): %v", problemsOf(a))
	}
	if b.Request == nil || b.Request.Loan.Amount.String() != "5000" || b.Request.Loan.Rate.String() != "20.5" {
		t.Errorf("row B: %v %+v", problemsOf(b), b.Request)
	}
	if c.Request != nil || !hasProblem(c, "participants", "ambiguous") {
		t.Errorf("row C (share 40,000): %v", problemsOf(c))
	}
	if d.Request != nil || !hasProblem(d, "amount", "not a number") {
		t.Errorf("row D (1,00,000): %v", problemsOf(d))
	}
}
