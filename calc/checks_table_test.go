package calc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

// TestChecksTable holds the table of checks to its promise: every check
// code declared in checks.go has exactly one entry, eligibility entries
// come before outcome entries (Result.Checks lists them in that order),
// and each entry's function adds checks of its own code only.
func TestChecksTable(t *testing.T) {
	fs := token.NewFileSet()
	f, err := parser.ParseFile(fs, "checks.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if len(n.Name) > 5 && n.Name[:5] == "Check" {
					v, _ := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
					declared[v] = true
				}
			}
		}
	}
	if len(declared) < 10 {
		t.Fatalf("found %d check codes in checks.go; the parse is wrong", len(declared))
	}
	seen := map[string]bool{}
	outcome := false
	for _, c := range checks {
		if seen[c.code] {
			t.Errorf("%s: listed twice", c.code)
		}
		seen[c.code] = true
		if !declared[c.code] {
			t.Errorf("%s: not a declared check code", c.code)
		}
		if (c.eligibility == nil) == (c.outcome == nil) {
			t.Errorf("%s: needs exactly one of eligibility and outcome", c.code)
		}
		if c.outcome != nil {
			outcome = true
		} else if outcome {
			t.Errorf("%s: an eligibility check after an outcome check", c.code)
		}
	}
	for code := range declared {
		if !seen[code] {
			t.Errorf("%s: declared but not in the table", code)
		}
	}

	// Each function adds its own code only, on a plan of every programme.
	built := 0
	for _, id := range ProgrammeIDs() {
		pr, _ := LookupProgramme(id)
		cur := "RUB"
		if len(pr.Conditions.Currencies) > 0 {
			cur = pr.Conditions.Currencies[0]
		}
		rate, half := decimal.NewFromInt(20), decimal.New(5, -1)
		req := &Request{
			Loan: Loan{Amount: decimal.NewFromInt(100_000_000), Currency: cur, Rate: &rate,
				IssueDate: MustDate("2024-03-01"), TermMonths: 24},
			Subsidy: SubsidyTerms{Programme: id, Rule: &RuleOverride{LoanShare: &half}},
			Project: Project{Participants: []Participant{
				{Country: "RU", Share: decimal.NewFromInt(50)}, {Country: "BY", Share: decimal.NewFromInt(50)}}},
		}
		p, err := newPlan(req, Options{})
		if err != nil {
			t.Logf("%s: %v", id, err)
			continue
		}
		built++
		for _, c := range checks {
			l := &checkList{lang: "en"}
			if c.eligibility != nil {
				c.eligibility(p, l)
			} else {
				c.outcome(p, l, &Result{Years: []Year{{Year: 2024, CapReached: true}}})
			}
			for _, got := range l.list {
				if got.Code != c.code {
					t.Errorf("%s: the function of %s added %s", id, c.code, got.Code)
				}
			}
		}
	}
	if built < 3 {
		t.Fatalf("only %d programmes gave a plan", built)
	}
}
