package calc_test

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Checks (SPEC §6) and the programme rules (SPEC §1, §3, §4) on the
// built-in policy rate record.

func participants(pairs ...string) []calc.Participant {
	var out []calc.Participant
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, calc.Participant{Name: pairs[i] + " plant", Country: pairs[i], Share: dec(pairs[i+1])})
	}
	return out
}

func loanReq(programme, currency, rate, issue string, term int, amount string) *calc.Request {
	return &calc.Request{
		Loan: calc.Loan{
			Amount: dec(amount), Currency: currency, Rate: ptr(dec(rate)),
			IssueDate: calc.MustDate(issue), TermMonths: term,
		},
		Subsidy: calc.SubsidyTerms{Programme: programme},
	}
}

// Base requests: every applicable check passes and every policy rate used
// is inside the built-in record.
func eaeuBase() *calc.Request {
	// Key rate 16 % on 2024-03-01: ceiling 22.5 %.
	r := loanReq("eaeu-industrial", "RUB", "20", "2024-03-01", 24, "100000000.00")
	r.Project.Participants = participants("RU", "50", "BY", "30", "KZ", "20")
	return r
}

func unionBase() *calc.Request {
	r := loanReq("union-state", "RUB", "20", "2024-03-01", 24, "100000000.00")
	r.Project.Participants = participants("RU", "60", "BY", "40")
	return r
}

func ruBase() *calc.Request {
	return loanReq("ru-industrial-0.7", "RUB", "20", "2023-03-01", 36, "100000000.00")
}

func kzBase() *calc.Request {
	// Base rate 14.75 % from 2024-02-26: the loan rate must be 18.75 %.
	return loanReq("kz-isker-aimak", "KZT", "18.75", "2024-03-01", 36, "100000000.00")
}

func byBase() *calc.Request {
	// Refinancing rate 9.5 % from 2023-06-28, 9.75 % from 2025-06-25.
	return loanReq("by-refinancing-share", "BYN", "15", "2023-07-01", 24, "10000000.00")
}

func customBase() *calc.Request {
	r := loanReq("custom", "RUB", "20", "2024-03-01", 24, "100000000.00")
	r.Subsidy.Rule = &calc.RuleOverride{BaseShare: ptr(dec("1")), LoanShare: ptr(dec("1"))}
	r.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("100000000"), Currency: "RUB"}}
	r.Subsidy.MaxTermMonths = ptr(24)
	return r
}

func with(base func() *calc.Request, mod func(r *calc.Request)) func() *calc.Request {
	return func() *calc.Request {
		r := base()
		mod(r)
		return r
	}
}

// calcOK computes req, which must be valid, and checks the invariants that
// hold for every result: the schedule repays the amount, ends at zero, the
// subsidy never exceeds the interest nor the paid subsidy the subsidy.
func calcOK(t *testing.T, req *calc.Request) *calc.Result {
	t.Helper()
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if len(res.Schedule) == 0 {
		t.Fatalf("no schedule")
	}
	amount, _ := calc.MoneyFromDecimal(req.Loan.Amount)
	var principal calc.Money
	for _, p := range res.Schedule {
		principal += p.Principal
		if p.Subsidy > p.Interest || p.SubsidyPaid > p.Subsidy || p.SubsidyPaid < 0 {
			t.Errorf("period %d: interest %s subsidy %s paid %s", p.N, p.Interest, p.Subsidy, p.SubsidyPaid)
		}
		if want := payable(res, p.SubsidyPaid); p.SubsidyPayable != want || p.BorrowerInterest != p.Interest-want {
			t.Errorf("period %d: payable %s, borrower interest %s (eligible %v)", p.N, p.SubsidyPayable, p.BorrowerInterest, res.Eligible)
		}
	}
	if principal != amount {
		t.Errorf("principal repaid %s, lent %s", principal, amount)
	}
	if last := res.Schedule[len(res.Schedule)-1]; last.ClosingBalance != 0 {
		t.Errorf("last closing balance %s", last.ClosingBalance)
	}
	return res
}

func checksWithCode(res *calc.Result, code string) []calc.Check {
	var out []calc.Check
	for _, c := range res.Checks {
		if c.Code == code {
			out = append(out, c)
		}
	}
	return out
}

func codes(res *calc.Result) []string {
	var out []string
	for _, c := range res.Checks {
		if !slices.Contains(out, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out
}

// TestChecksApplicable: each programme runs exactly its own checks on a
// loan that meets all its conditions, and all of them pass.
func TestChecksApplicable(t *testing.T) {
	cases := []struct {
		name  string
		req   func() *calc.Request
		codes []string
	}{
		{"eaeu-industrial", eaeuBase, []string{calc.CheckMinMemberStates, calc.CheckMemberCurrency, calc.CheckRateCeiling, calc.CheckSubsidyTerm, calc.CheckAnnualCapReached, calc.CheckBaseRateAssumed}},
		{"union-state", unionBase, []string{calc.CheckRequiredCountries, calc.CheckMemberCurrency, calc.CheckRateCeiling, calc.CheckSubsidyTerm, calc.CheckAnnualCapReached, calc.CheckBaseRateAssumed}},
		{"ru-industrial-0.7", ruBase, []string{calc.CheckCurrency, calc.CheckMinLoanTerm, calc.CheckBaseRateAssumed}},
		{"kz-isker-aimak", kzBase, []string{calc.CheckCurrency, calc.CheckRateBasePlus, calc.CheckMaxLoanTerm, calc.CheckMaxAmount, calc.CheckBaseRateAssumed}},
		{"by-refinancing-share", byBase, []string{calc.CheckCurrency, calc.CheckBaseRateAssumed}},
		{"custom", customBase, []string{calc.CheckSubsidyTerm, calc.CheckAnnualCapReached, calc.CheckBaseRateAssumed}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := calcOK(t, tc.req())
			got := codes(res)
			slices.Sort(got)
			want := slices.Clone(tc.codes)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("check codes %v, want %v", got, want)
			}
			for _, c := range res.Checks {
				if !c.OK {
					t.Errorf("%s failed: %s", c.Code, c.Message())
				}
			}
		})
	}
}

type checkCase struct {
	programme, code, kind string
	pass, fail            func() *calc.Request
}

func checkCases() []checkCase {
	var cases []checkCase
	add := func(programme, code, kind string, pass, fail func() *calc.Request) {
		cases = append(cases, checkCase{programme, code, kind, pass, fail})
	}
	elig, warn, info := calc.KindEligibility, calc.KindWarning, calc.KindInfo

	// Conditions shared by eaeu-industrial and union-state.
	for _, pr := range []struct {
		id   string
		base func() *calc.Request
	}{{"eaeu-industrial", eaeuBase}, {"union-state", unionBase}} {
		base := pr.base
		add(pr.id, calc.CheckMemberCurrency, elig, base, with(base, func(r *calc.Request) {
			r.Loan.Currency = "USD"
			r.Subsidy.BaseCountry = "RU"
			r.Subsidy.FX = []calc.FXRate{{Rate: dec("90")}}
		}))
		add(pr.id, calc.CheckRateCeiling, elig, with(base, func(r *calc.Request) {
			r.Loan.Rate = ptr(dec("22.5")) // exactly key rate 16 + 6.5
		}), with(base, func(r *calc.Request) { r.Loan.Rate = ptr(dec("22.51")) }))
		add(pr.id, calc.CheckSubsidyTerm, elig, with(base, func(r *calc.Request) {
			r.Loan.TermMonths = 84 // the default window stops at 60 months
		}), with(base, func(r *calc.Request) {
			r.Loan.TermMonths = 84
			r.Subsidy.End = ptr(calc.MustDate("2031-03-01"))
		}))
		add(pr.id, calc.CheckAnnualCapReached, info, base, with(base, func(r *calc.Request) {
			r.Loan.Amount = dec("10000000000") // 16 % of 10 bn a year > RUB 350 m
		}))
		add(pr.id, calc.CheckBaseRateAssumed, warn, base, with(base, func(r *calc.Request) {
			r.Loan.IssueDate = calc.MustDate("2026-01-15") // key rate 16 %; unknown from 2026-09-14
		}))
		add(pr.id, calc.CheckDeparture, warn, base, with(base, func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{BaseShare: ptr(dec("0.9"))}
		}))
	}
	add("eaeu-industrial", calc.CheckMinMemberStates, elig, eaeuBase, with(eaeuBase, func(r *calc.Request) {
		r.Project.Participants = participants("RU", "60", "BY", "40")
	}))
	add("eaeu-industrial", calc.CheckMinMemberStates+"/no participants", elig, eaeuBase, with(eaeuBase, func(r *calc.Request) {
		r.Project.Participants = nil
	}))
	add("union-state", calc.CheckRequiredCountries, elig, unionBase, with(unionBase, func(r *calc.Request) {
		r.Project.Participants = participants("RU", "50", "KZ", "30", "AM", "20")
	}))

	// ru-industrial-0.7.
	add("ru-industrial-0.7", calc.CheckCurrency, elig, ruBase, with(ruBase, func(r *calc.Request) {
		r.Loan.Currency = "KZT"
	}))
	add("ru-industrial-0.7", calc.CheckMinLoanTerm, elig, ruBase, with(ruBase, func(r *calc.Request) {
		r.Loan.TermMonths = 35
	}))
	add("ru-industrial-0.7", calc.CheckBaseRateAssumed, warn, ruBase, with(ruBase, func(r *calc.Request) {
		r.Loan.IssueDate = calc.MustDate("2025-01-01")
	}))
	add("ru-industrial-0.7", calc.CheckDeparture, warn, ruBase, with(ruBase, func(r *calc.Request) {
		r.Subsidy.Rule = &calc.RuleOverride{BaseFixing: ptr(calc.FixDaily)}
	}))

	// kz-isker-aimak.
	add("kz-isker-aimak", calc.CheckCurrency, elig, kzBase, with(kzBase, func(r *calc.Request) {
		r.Loan.Currency, r.Loan.Rate = "RUB", ptr(dec("20")) // key rate 16 + 4
	}))
	add("kz-isker-aimak", calc.CheckRateBasePlus, elig, kzBase, with(kzBase, func(r *calc.Request) {
		r.Loan.Rate = ptr(dec("18.76"))
	}))
	add("kz-isker-aimak", calc.CheckMaxLoanTerm, elig, kzBase, with(kzBase, func(r *calc.Request) {
		r.Loan.TermMonths = 37
	}))
	add("kz-isker-aimak", calc.CheckMaxAmount, elig, with(kzBase, func(r *calc.Request) {
		r.Loan.Amount = dec("200000000.00")
	}), with(kzBase, func(r *calc.Request) { r.Loan.Amount = dec("200000000.01") }))
	add("kz-isker-aimak", calc.CheckBaseRateAssumed, warn, kzBase, with(kzBase, func(r *calc.Request) {
		// Base rate 16.75 % from 2026-07-27, unknown from 2026-09-07.
		r.Loan.IssueDate, r.Loan.Rate = calc.MustDate("2026-10-01"), ptr(dec("20.75"))
	}))
	add("kz-isker-aimak", calc.CheckDeparture, warn, kzBase, with(kzBase, func(r *calc.Request) {
		r.Subsidy.Rule = &calc.RuleOverride{LoanShare: ptr(dec("0.5"))}
	}))

	// by-refinancing-share.
	add("by-refinancing-share", calc.CheckCurrency, elig, byBase, with(byBase, func(r *calc.Request) {
		r.Loan.Currency = "RUB"
	}))
	add("by-refinancing-share", calc.CheckBaseRateAssumed, warn, byBase, with(byBase, func(r *calc.Request) {
		r.Loan.IssueDate = calc.MustDate("2025-06-01") // unknown from 2025-09-01
	}))
	add("by-refinancing-share", calc.CheckDeparture, warn, byBase, with(byBase, func(r *calc.Request) {
		r.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("100000"), Currency: "BYN"}}
	}))

	// custom: the conditions it has come from the request; it never departs.
	add("custom", calc.CheckSubsidyTerm, elig, customBase, with(customBase, func(r *calc.Request) {
		r.Subsidy.MaxTermMonths = ptr(12)
		r.Subsidy.End = ptr(calc.MustDate("2026-03-01"))
	}))
	add("custom", calc.CheckAnnualCapReached, info, customBase, with(customBase, func(r *calc.Request) {
		r.Subsidy.AnnualCap.Cap.Amount = dec("1000000")
	}))
	add("custom", calc.CheckBaseRateAssumed, warn, customBase, with(customBase, func(r *calc.Request) {
		r.Loan.IssueDate = calc.MustDate("2026-06-01")
	}))
	return cases
}

var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)

var (
	enGroup   = regexp.MustCompile(`(\d),(\d{3})\b`)
	ruGroup   = regexp.MustCompile(`(\d)[ \x{00a0}\x{202f}](\d{3})\b`)
	ruDecimal = regexp.MustCompile(`(\d),(\d)`)
)

// plainNumbers rewrites the numbers of a message in either language the
// plain way, so that tests do not depend on the typography: thousands
// separators dropped, a decimal point, ordinary spaces ("350 000 000,00 RUB"
// and "350,000,000.00 RUB" both become "350000000.00 RUB").
func plainNumbers(msg string) string {
	group := enGroup
	if cyrillic.MatchString(msg) {
		group = ruGroup
	}
	for {
		next := group.ReplaceAllString(msg, "$1$2")
		if next == msg {
			break
		}
		msg = next
	}
	if group == ruGroup {
		msg = ruDecimal.ReplaceAllString(msg, "$1.$2")
	}
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(msg)
}

func TestChecksPassAndFail(t *testing.T) {
	for _, tc := range checkCases() {
		code, _, _ := strings.Cut(tc.code, "/")
		t.Run(tc.programme+"/"+tc.code, func(t *testing.T) {
			for _, lang := range []string{"", "en"} {
				for _, want := range []bool{true, false} {
					mk := tc.pass
					if !want {
						mk = tc.fail
					}
					req := mk()
					req.Lang = lang
					if req.Subsidy.Programme != tc.programme {
						t.Fatalf("request for %s", req.Subsidy.Programme)
					}
					res := calcOK(t, req) // a failed check never stops the calculation
					got := checksWithCode(res, code)
					if code == calc.CheckDeparture && want {
						if len(got) != 0 {
							t.Errorf("lang %q: departure reported for a request that follows the programme: %v", lang, got)
						}
						continue
					}
					if len(got) == 0 {
						t.Fatalf("lang %q, want ok=%v: no %s check among %v", lang, want, code, codes(res))
					}
					anyFailed := false
					for _, c := range got {
						if c.Kind != tc.kind {
							t.Errorf("kind %q, want %q", c.Kind, tc.kind)
						}
						if c.Message() == "" {
							t.Errorf("empty message")
						}
						if ru := cyrillic.MatchString(c.Message()); ru != (lang != "en") {
							t.Errorf("lang %q: message in the wrong language: %q", lang, c.Message())
						}
						if want && !c.OK {
							t.Errorf("lang %q: want ok, got failed: %s", lang, c.Message())
						}
						anyFailed = anyFailed || !c.OK
					}
					if !want && !anyFailed {
						t.Errorf("lang %q: want a failed %s check, got %+v", lang, code, got)
					}
				}
			}
		})
	}
}

// TestCheckMessagesWellFormed: English check messages read as sentences
// (no doubled blanks left by an empty word).
func TestCheckMessagesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range checkCases() {
		for _, mk := range []func() *calc.Request{tc.pass, tc.fail} {
			for _, lang := range []string{"", "en"} {
				req := mk()
				req.Lang = lang
				res, err := calc.Calculate(req, calc.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range res.Checks {
					if strings.Contains(c.Message(), "  ") || strings.TrimSpace(c.Message()) != c.Message() {
						key := c.Code + " " + c.Message()
						if !seen[key] {
							seen[key] = true
							t.Errorf("%s (ok=%v, lang %q): malformed message %q", c.Code, c.OK, lang, c.Message())
						}
					}
				}
			}
		}
	}
}

// TestCheckMessagesNameFigures: the messages carry the figures the check
// compared.
func TestCheckMessagesNameFigures(t *testing.T) {
	cases := []struct {
		name string
		req  func() *calc.Request
		code string
		en   []string
		ru   []string
	}{
		{"rate ceiling exceeded", with(eaeuBase, func(r *calc.Request) { r.Loan.Rate = ptr(dec("23")) }), calc.CheckRateCeiling,
			[]string{"23.00 %", "22.50 %", "16.00 %", "6.5", "2024-03-01"}, []string{"23.00 %", "22.50 %", "16.00 %", "01.03.2024"}},
		{"three states needed", with(eaeuBase, func(r *calc.Request) { r.Project.Participants = participants("RU", "100") }), calc.CheckMinMemberStates,
			[]string{"1 member state", "3"}, []string{"1 государств", "3"}},
		{"Belarus missing", with(unionBase, func(r *calc.Request) { r.Project.Participants = participants("RU", "100") }), calc.CheckRequiredCountries,
			[]string{"missing: BY"}, []string{"нет: BY"}},
		{"base + 4", with(kzBase, func(r *calc.Request) { r.Loan.Rate = ptr(dec("19")) }), calc.CheckRateBasePlus,
			[]string{"19.00 %", "18.75 %", "4"}, []string{"19.00 %", "18.75 %"}},
		{"amount over KZT 200 m", with(kzBase, func(r *calc.Request) { r.Loan.Amount = dec("250000000") }), calc.CheckMaxAmount,
			[]string{"250000000.00", "200000000", "KZT"}, []string{"250000000.00", "200000000"}},
		{"term under 36 months", with(ruBase, func(r *calc.Request) { r.Loan.TermMonths = 24 }), calc.CheckMinLoanTerm,
			[]string{"24", "36"}, []string{"24", "36"}},
		{"cap reached", with(eaeuBase, func(r *calc.Request) { r.Loan.Amount = dec("10000000000") }), calc.CheckAnnualCapReached,
			[]string{"350000000 RUB", "2024", "2025"}, []string{"350000000 RUB", "2024", "2025"}},
		{"departure names the field", with(eaeuBase, func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{BaseShare: ptr(dec("0.9"))}
			r.Subsidy.AnnualCap = calc.OptionalCap{Set: true}
		}), calc.CheckDeparture, []string{"eaeu-industrial", "subsidy.rule.base_share", "subsidy.annual_cap"}, []string{"subsidy.rule.base_share", "subsidy.annual_cap"}},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			for _, lang := range []string{"en", "ru"} {
				req := tc.req()
				req.Lang = lang
				res := calcOK(t, req)
				got := checksWithCode(res, tc.code)
				if len(got) != 1 || got[0].OK {
					t.Fatalf("lang %s: want one failed %s check, got %+v", lang, tc.code, got)
				}
				want := tc.en
				if lang == "ru" {
					want = tc.ru
				}
				for _, s := range want {
					if !strings.Contains(plainNumbers(got[0].Message()), s) {
						t.Errorf("lang %s: %q does not name %q", lang, got[0].Message(), s)
					}
				}
			}
		})
	}
}

// assumedValue matches the value a base_rate_assumed message names, written
// as in the record ("14.00") or normalised ("14").
func assumedValue(v string) *regexp.Regexp {
	zeros := `(\.0+)?` // 14 or 14.00
	if strings.Contains(v, ".") {
		zeros = `0*` // 7.5 or 7.50
	}
	return regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(v) + zeros + ` %`)
}

// TestBaseRateAssumedBuiltIn: the built-in record's gaps and ends raise
// base_rate_assumed naming the dates and the value held (SPEC §1).
func TestBaseRateAssumedBuiltIn(t *testing.T) {
	cases := []struct {
		name       string
		req        func() *calc.Request
		assumed    bool
		en, ru     []string // dates named
		value      string
		baseInGap  calc.Date // a day inside the gap: its period shows value
		gapPeriodN int
	}{
		{
			name: "RUB loan past the end of the record",
			req: with(eaeuBase, func(r *calc.Request) {
				r.Loan.IssueDate = calc.MustDate("2026-01-15") // to 2028-01-15
			}),
			assumed: true, en: []string{"2026-09-14", "2028-01-14"}, ru: []string{"14.09.2026", "14.01.2028"}, value: "14",
		},
		{
			name:    "RUB loan inside the record",
			req:     eaeuBase,
			assumed: false,
		},
		{
			name: "RUB loan ending the day the record ends",
			req: with(eaeuBase, func(r *calc.Request) {
				r.Loan.IssueDate, r.Loan.TermMonths = calc.MustDate("2024-09-14"), 24 // to 2026-09-14
			}),
			assumed: false,
		},
		{
			name: "RUB loan before the record starts",
			req: with(eaeuBase, func(r *calc.Request) {
				r.Loan.IssueDate, r.Loan.TermMonths = calc.MustDate("2022-07-01"), 12
				r.Loan.Rate = ptr(dec("12"))
			}),
			assumed: true, en: []string{"2022-07-01", "2022-12-31"}, ru: []string{"01.07.2022", "31.12.2022"}, value: "7.5",
		},
		{
			name: "AMD loan over the Armenian gap",
			req: with(eaeuBase, func(r *calc.Request) {
				r.Loan.Currency, r.Loan.IssueDate, r.Loan.TermMonths = "AMD", calc.MustDate("2023-07-01"), 12
				r.Loan.Rate = ptr(dec("15"))
				r.Subsidy.FX = []calc.FXRate{{Rate: dec("0.21")}} // RUB per AMD for the cap
			}),
			assumed: true, en: []string{"2023-08-02", "2023-09-12"}, ru: []string{"02.08.2023", "12.09.2023"}, value: "10.5",
			baseInGap: calc.MustDate("2023-08-15"),
		},
		{
			name: "AMD loan after the Armenian gap",
			req: with(eaeuBase, func(r *calc.Request) {
				r.Loan.Currency, r.Loan.IssueDate, r.Loan.TermMonths = "AMD", calc.MustDate("2023-09-13"), 12
				r.Loan.Rate = ptr(dec("15"))
				r.Subsidy.FX = []calc.FXRate{{Rate: dec("0.21")}}
			}),
			assumed: false,
		},
		{
			name: "a scenario replaces the record",
			req: with(eaeuBase, func(r *calc.Request) {
				r.Loan.IssueDate = calc.MustDate("2026-01-15")
				r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("2025-12-22"), Rate: dec("16")}, {Date: calc.MustDate("2027-01-01"), Rate: dec("12")}}
			}),
			assumed: false,
		},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			for _, lang := range []string{"en", "ru"} {
				req := tc.req()
				req.Lang = lang
				res := calcOK(t, req) // the assumption never stops the calculation
				got := checksWithCode(res, calc.CheckBaseRateAssumed)
				if len(got) == 0 {
					t.Fatalf("no base_rate_assumed check")
				}
				var failed []calc.Check
				for _, c := range got {
					if c.Kind != calc.KindWarning {
						t.Errorf("kind %s", c.Kind)
					}
					if !c.OK {
						failed = append(failed, c)
					}
				}
				if !tc.assumed {
					if len(failed) > 0 {
						t.Errorf("lang %s: assumed warning for a loan inside the record: %+v", lang, failed)
					}
					continue
				}
				if len(failed) == 0 {
					t.Fatalf("lang %s: no assumed warning; checks %+v", lang, got)
				}
				all := ""
				for _, c := range failed {
					all += c.Message() + "\n"
					if !assumedValue(tc.value).MatchString(plainNumbers(c.Message())) {
						t.Errorf("lang %s: %q does not name the value %s", lang, c.Message(), tc.value)
					}
				}
				dates := tc.en
				if lang == "ru" {
					dates = tc.ru
				}
				for _, d := range dates {
					if !strings.Contains(all, d) {
						t.Errorf("lang %s: warnings do not name %s:\n%s", lang, d, all)
					}
				}
				if tc.baseInGap != 0 {
					for _, p := range res.Schedule {
						if p.Start <= tc.baseInGap && tc.baseInGap < p.End && !p.RatesVary {
							if !p.BaseRate.Equal(dec(tc.value)) {
								t.Errorf("period %d in the gap: base rate %s, want %s held", p.N, p.BaseRate, tc.value)
							}
						}
					}
				}
			}
		})
	}
}

// ---- independent subsidy arithmetic ----

func yearLen(d calc.Date) int64 {
	y := d.Year()
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}

// roundHalfAway rounds a non-negative rational to an integer.
func roundHalfAway(r *big.Rat) calc.Money {
	n := new(big.Int).Mul(r.Num(), big.NewInt(2))
	n.Add(n, r.Denom())
	n.Quo(n, new(big.Int).Mul(r.Denom(), big.NewInt(2)))
	return calc.Money(n.Int64())
}

// actActAccrual is Σ over the days of [from, to) of balance × rate(day) /
// 100 / the length of the day's year, rounded half away from zero: SPEC §2
// act/act, one day at a time.
func actActAccrual(balance calc.Money, from, to calc.Date, rate func(day calc.Date) decimal.Decimal) calc.Money {
	sum := new(big.Rat)
	for d := from; d < to; d++ {
		r := rate(d).Rat()
		r.Mul(r, new(big.Rat).SetInt64(int64(balance)))
		r.Quo(r, new(big.Rat).SetInt64(100*yearLen(d)))
		sum.Add(sum, r)
	}
	return roundHalfAway(sum)
}

func builtInRate(country string) func(calc.Date) decimal.Decimal {
	tl := calc.DefaultRateBook().Timeline(country)
	return func(d calc.Date) decimal.Decimal {
		r, _, _ := tl.At(d)
		return r
	}
}

func minDec(a, b decimal.Decimal) decimal.Decimal {
	if a.LessThan(b) {
		return a
	}
	return b
}

// TestEAEUSubsidyRate: the EAEU subsidy rate is min(policy rate, loan
// rate), the policy rate taken day by day (SPEC §1, §3).
func TestEAEUSubsidyRate(t *testing.T) {
	key := builtInRate("RU")
	for _, loanRate := range []string{"20", "17", "12"} {
		t.Run("loan_"+loanRate, func(t *testing.T) {
			req := eaeuBase()
			req.Loan.IssueDate = calc.MustDate("2024-06-10") // key 16 → 18 → 19 → 21 → 20 …
			req.Loan.Rate = ptr(dec(loanRate))
			res := calcOK(t, req)
			lr := dec(loanRate)
			varied := 0
			for _, p := range res.Schedule {
				if !p.RatesVary && !p.SubsidyRate.Equal(minDec(p.BaseRate, lr)) {
					t.Errorf("period %d: subsidy rate %s, want min(%s, %s)", p.N, p.SubsidyRate, p.BaseRate, lr)
				}
				if p.RatesVary {
					varied++
				}
				want := actActAccrual(p.OpeningBalance, p.Start, p.End, func(d calc.Date) decimal.Decimal { return minDec(key(d), lr) })
				if p.Subsidy != want {
					t.Errorf("period %d %s–%s: subsidy %s, want %s", p.N, p.Start, p.End, p.Subsidy, want)
				}
				wantInt := actActAccrual(p.OpeningBalance, p.Start, p.End, func(calc.Date) decimal.Decimal { return lr })
				if p.Interest != wantInt {
					t.Errorf("period %d: interest %s, want %s", p.N, p.Interest, wantInt)
				}
				if loanRate == "12" && p.Subsidy != p.Interest {
					t.Errorf("period %d: the key rate is above the loan rate, so the subsidy %s must equal the interest %s", p.N, p.Subsidy, p.Interest)
				}
			}
			if varied == 0 {
				t.Errorf("no period with a key rate change inside: the test does not test daily fixing")
			}
		})
	}
}

// TestRuIndustrialPaymentDate: Decree 3 subsidises 0.7 × the key rate in
// force on the interest payment date, at most the loan rate.
func TestRuIndustrialPaymentDate(t *testing.T) {
	key := builtInRate("RU")
	req := ruBase()
	req.Loan.IssueDate = calc.MustDate("2024-07-01") // key 16 %, 18 % from 2024-07-29
	req.Lang = "en"
	res := calcOK(t, req)
	p1 := res.Schedule[0]
	if !p1.BaseRate.Equal(dec("18")) || !p1.SubsidyRate.Equal(dec("12.6")) {
		t.Errorf("period 1: base %s subsidy rate %s, want 18 and 12.6 (the rate on the payment date 2024-08-01)", p1.BaseRate, p1.SubsidyRate)
	}
	seven := dec("0.7")
	lr := dec("20")
	for _, p := range res.Schedule {
		onPay := minDec(seven.Mul(key(p.End)), lr)
		want := actActAccrual(p.OpeningBalance, p.Start, p.End, func(calc.Date) decimal.Decimal { return onPay })
		if p.Subsidy != want {
			t.Errorf("period %d %s–%s: subsidy %s, want %s at %s %%", p.N, p.Start, p.End, p.Subsidy, want, onPay)
		}
	}
	// Daily fixing would give less in period 1 (16 % for 28 of its 31 days).
	daily := actActAccrual(p1.OpeningBalance, p1.Start, p1.End, func(d calc.Date) decimal.Decimal { return seven.Mul(key(d)) })
	if daily >= p1.Subsidy {
		t.Errorf("period 1: daily fixing %s should be below payment-date fixing %s", daily, p1.Subsidy)
	}
	// A loan rate under 0.7 × key: the subsidy is the whole interest.
	req = ruBase()
	req.Loan.Rate = ptr(dec("5"))
	res = calcOK(t, req)
	for _, p := range res.Schedule {
		if p.Subsidy != p.Interest {
			t.Errorf("rate 5 %%, period %d: subsidy %s, interest %s", p.N, p.Subsidy, p.Interest)
		}
	}
}

// TestKzIskerAimak: 40 % of the loan rate, but the borrower keeps paying at
// least 12.6 %.
func TestKzIskerAimak(t *testing.T) {
	cases := []struct{ loan, subsidy string }{
		{"18.75", "6.15"}, // floor binds: 18.75 − 12.6
		{"21", "8.4"},     // both give 8.4
		{"25", "10"},      // 40 % binds: the borrower pays 15
		{"40", "16"},
		{"12.6", "0"},
		{"10", "0"}, // below the floor: nothing
	}
	floor := dec("12.6")
	for _, tc := range cases {
		t.Run("loan_"+tc.loan, func(t *testing.T) {
			req := kzBase()
			req.Loan.Rate = ptr(dec(tc.loan))
			res := calcOK(t, req)
			want := dec(tc.subsidy)
			for _, p := range res.Schedule {
				if !p.SubsidyRate.Equal(want) {
					t.Fatalf("period %d: subsidy rate %s, want %s", p.N, p.SubsidyRate, want)
				}
				if borrower := p.ContractRate.Sub(p.SubsidyRate); borrower.LessThan(floor) && !p.SubsidyRate.IsZero() {
					t.Errorf("period %d: borrower rate %s below 12.6", p.N, borrower)
				}
				if got := actActAccrual(p.OpeningBalance, p.Start, p.End, func(calc.Date) decimal.Decimal { return want }); p.Subsidy != got {
					t.Errorf("period %d: subsidy %s, want %s", p.N, p.Subsidy, got)
				}
			}
		})
	}
}

// TestByRefinancingShare: share × refinancing rate; base_share 0.5 halves
// the default (share 1) subsidy.
func TestByRefinancingShare(t *testing.T) {
	full := calcOK(t, byBase())
	req := byBase()
	req.Subsidy.Rule = &calc.RuleOverride{BaseShare: ptr(dec("0.5"))}
	half := calcOK(t, req)
	for i, p := range half.Schedule {
		f := full.Schedule[i]
		if !p.RatesVary && (!f.SubsidyRate.Equal(dec("9.5")) || !p.SubsidyRate.Equal(dec("4.75"))) {
			t.Errorf("period %d: subsidy rates %s and %s, want 9.5 and 4.75", p.N, f.SubsidyRate, p.SubsidyRate)
		}
		if d := 2*p.Subsidy - f.Subsidy; d < -1 || d > 1 {
			t.Errorf("period %d: half %s is not half of %s", p.N, p.Subsidy, f.Subsidy)
		}
	}
	if d, n := 2*half.Totals.SubsidyPaid-full.Totals.SubsidyPaid, calc.Money(len(half.Schedule)); d < -n || d > n {
		t.Errorf("total %s is not half of %s", half.Totals.SubsidyPaid, full.Totals.SubsidyPaid)
	}
	// Never above the loan rate: a 5 % loan gets 5 %, not 9.5 %.
	req = byBase()
	req.Loan.Rate = ptr(dec("5"))
	for _, p := range calcOK(t, req).Schedule {
		if p.Subsidy != p.Interest {
			t.Errorf("rate 5 %%, period %d: subsidy %s, interest %s", p.N, p.Subsidy, p.Interest)
		}
	}
}

// checkSplit asserts parts add up to total exactly and each is within one
// minor unit of total × share / 100 (largest remainder, SPEC §4).
func checkSplit(t *testing.T, what string, total calc.Money, shares []decimal.Decimal, parts []calc.Money) {
	t.Helper()
	var sum calc.Money
	for i, p := range parts {
		sum += p
		exact := decimal.New(int64(total), 0).Mul(shares[i]).Div(decimal.NewFromInt(100))
		if diff := decimal.New(int64(p), 0).Sub(exact).Abs(); diff.GreaterThanOrEqual(decimal.NewFromInt(1)) {
			t.Errorf("%s: part %d is %d minor units, exact %s", what, i, p, exact)
		}
	}
	if sum != total {
		t.Errorf("%s: parts add up to %s, not %s", what, sum, total)
	}
}

// TestBudgetShares: who pays (SPEC §1 normatives, Union State 65/35), and
// that every split adds up exactly.
func TestBudgetShares(t *testing.T) {
	cases := []struct {
		name      string
		req       func() *calc.Request
		countries []string
		shares    []string
	}{
		{"eaeu normatives", eaeuBase, []string{"AM", "BY", "KZ", "KG", "RU"}, []string{"1.22", "4.56", "7.055", "1.9", "85.265"}},
		{"eaeu normatives, capped", with(eaeuBase, func(r *calc.Request) { r.Loan.Amount = dec("10000000000.01") }),
			[]string{"AM", "BY", "KZ", "KG", "RU"}, []string{"1.22", "4.56", "7.055", "1.9", "85.265"}},
		{"union state", unionBase, []string{"RU", "BY"}, []string{"65", "35"}},
		{"ru decree 3", ruBase, []string{"RU"}, []string{"100"}},
		{"kz damu", kzBase, []string{"KZ"}, []string{"100"}},
		{"by share", byBase, []string{"BY"}, []string{"100"}},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			res := calcOK(t, tc.req())
			if res.Totals.SubsidyPaid <= 0 {
				t.Fatalf("no subsidy paid")
			}
			if len(res.BudgetShares) != len(tc.countries) {
				t.Fatalf("budget shares %+v", res.BudgetShares)
			}
			var shares []decimal.Decimal
			var parts []calc.Money
			sumShares := decimal.Zero
			for i, b := range res.BudgetShares {
				if b.Country != tc.countries[i] || !b.Share.Equal(dec(tc.shares[i])) {
					t.Errorf("share %d: %s %s, want %s %s", i, b.Country, b.Share, tc.countries[i], tc.shares[i])
				}
				shares = append(shares, b.Share)
				parts = append(parts, b.Amount)
				sumShares = sumShares.Add(b.Share)
			}
			if !sumShares.Equal(dec("100")) {
				t.Errorf("shares add up to %s", sumShares)
			}
			var sum calc.Money
			for _, p := range parts {
				sum += p
			}
			if sum != res.Totals.SubsidyPaid {
				t.Errorf("budget shares add up to %s, paid %s", sum, res.Totals.SubsidyPaid)
			}
			for _, y := range res.Years {
				var yp []calc.Money
				for _, b := range y.BudgetShares {
					yp = append(yp, b.Amount)
				}
				checkSplit(t, fmt.Sprint("year ", y.Year), y.SubsidyPaid, shares, yp)
			}
		})
	}
}

// TestParticipantsAndNetPositions: the paid subsidy split by participants'
// shares adds up, and each state's benefit, contribution and net position
// agree with the parts (SPEC §4).
func TestParticipantsAndNetPositions(t *testing.T) {
	req := eaeuBase()
	req.Loan.Amount = dec("987654321.09")
	req.Project.Participants = []calc.Participant{
		{Name: "a", Country: "RU", Share: dec("33.333333")},
		{Name: "b", Country: "BY", Share: dec("33.333333")},
		{Name: "c", Country: "KZ", Share: dec("16.666667")},
		{Name: "d", Country: "RU", Share: dec("16.666667")},
	}
	res := calcOK(t, req)
	total := res.Totals.SubsidyPaid
	var sum calc.Money
	benefit := map[string]calc.Money{}
	for i, pa := range res.Participants {
		if pa.Country != req.Project.Participants[i].Country || !pa.Share.Equal(req.Project.Participants[i].Share) || pa.Name != req.Project.Participants[i].Name {
			t.Errorf("participant %d: %+v", i, pa)
		}
		sum += pa.Subsidy
		benefit[pa.Country] += pa.Subsidy
	}
	if sum != total {
		t.Errorf("participants add up to %s, paid %s", sum, total)
	}
	contribution := map[string]calc.Money{}
	for _, b := range res.BudgetShares {
		contribution[b.Country] += b.Amount
	}
	var net, ben, con calc.Money
	seen := map[string]bool{}
	for _, c := range res.Countries {
		if seen[c.Country] {
			t.Errorf("country %s listed twice", c.Country)
		}
		seen[c.Country] = true
		if c.Benefit != benefit[c.Country] || c.Contribution != contribution[c.Country] || c.Net != c.Benefit-c.Contribution {
			t.Errorf("%s: %+v; benefit %s contribution %s", c.Country, c, benefit[c.Country], contribution[c.Country])
		}
		net += c.Net
		ben += c.Benefit
		con += c.Contribution
	}
	for _, c := range calc.MemberStates {
		if !seen[c] {
			t.Errorf("no position for %s", c)
		}
	}
	if net != 0 || ben != total || con != total {
		t.Errorf("net %s benefit %s contribution %s, paid %s", net, ben, con, total)
	}
}

// TestCapPaidInPart: when the cap is reached mid-year the period is paid in
// part and the year's paid subsidy is exactly the cap.
func TestCapPaidInPart(t *testing.T) {
	req := eaeuBase()
	req.Loan.Amount = dec("5000000000")
	res := calcOK(t, req)
	reached := 0
	for _, y := range res.Years {
		if y.Cap == nil {
			t.Fatalf("year %d: no cap", y.Year)
		}
		if y.SubsidyPaid > *y.Cap {
			t.Errorf("year %d: paid %s over cap %s", y.Year, y.SubsidyPaid, *y.Cap)
		}
		if y.CapReached {
			reached++
			if y.SubsidyPaid != *y.Cap {
				t.Errorf("year %d: cap reached but paid %s of %s", y.Year, y.SubsidyPaid, *y.Cap)
			}
		}
	}
	if reached == 0 {
		t.Fatalf("the cap is never reached; years %+v", res.Years)
	}
	partial := 0
	for _, p := range res.Schedule {
		if p.SubsidyPaid > 0 && p.SubsidyPaid < p.Subsidy {
			partial++
		}
	}
	if partial == 0 {
		t.Errorf("no period paid in part")
	}
}

// TestFailedEligibilityStillCalculates: a loan failing every condition of
// the programme is computed in full (SPEC §6).
func TestFailedEligibilityStillCalculates(t *testing.T) {
	reqs := map[string]*calc.Request{
		"eaeu": with(eaeuBase, func(r *calc.Request) {
			r.Project.Participants = participants("AM", "100")
			r.Loan.Currency = "USD"
			r.Loan.Rate = ptr(dec("60"))
			r.Loan.TermMonths = 120
			r.Subsidy.BaseCountry = "RU"
			r.Subsidy.FX = []calc.FXRate{{Rate: dec("90")}}
			r.Subsidy.End = ptr(calc.MustDate("2034-03-01"))
		})(),
		"kz": with(kzBase, func(r *calc.Request) {
			r.Loan.Currency = "RUB"
			r.Loan.Amount = dec("900000000")
			r.Loan.TermMonths = 60
			r.Loan.Rate = ptr(dec("30"))
		})(),
		"ru": with(ruBase, func(r *calc.Request) {
			r.Loan.Currency = "BYN"
			r.Loan.TermMonths = 12
		})(),
	}
	for name, req := range reqs {
		t.Run(name, func(t *testing.T) {
			res := calcOK(t, req)
			failed := 0
			for _, c := range res.Checks {
				if c.Kind == calc.KindEligibility && !c.OK {
					failed++
				}
			}
			if failed < 2 {
				t.Errorf("only %d eligibility checks failed: %+v", failed, res.Checks)
			}
			if res.Totals.Interest <= 0 || res.Totals.SubsidyPaid <= 0 {
				t.Errorf("no numbers: %+v", res.Totals)
			}
		})
	}
}

// TestSubsidyTermAgainstProgramme: the subsidy_term eligibility check
// measures the days the subsidy actually runs against the programme's own
// 5 years (SPEC §1 "the subsidy runs at most 5 years", §6 "the user sees …
// why the programme would refuse them").
func TestSubsidyTermAgainstProgramme(t *testing.T) {
	t.Run("max_term_months_widened_to_120", func(t *testing.T) {
		// Widening the window is a departure, and the programme would
		// still refuse a 10-year subsidy.
		req := eaeuBase()
		req.Loan.TermMonths = 120
		req.Subsidy.MaxTermMonths = ptr(120)
		req.Lang = "en"
		res := calcOK(t, req)
		if len(checksWithCode(res, calc.CheckDeparture)) != 1 {
			t.Errorf("no departure for max_term_months")
		}
		for _, c := range checksWithCode(res, calc.CheckSubsidyTerm) {
			if c.OK {
				t.Errorf("a 120-month subsidy passes the eaeu-industrial 60-month condition: %s", c.Message())
			}
		}
	})
	t.Run("end_after_a_36_month_loan", func(t *testing.T) {
		// The window is given past maturity: the subsidy still runs only
		// the loan's 36 months.
		req := eaeuBase()
		req.Loan.TermMonths = 36
		req.Subsidy.End = ptr(calc.MustDate("2030-03-01"))
		req.Lang = "en"
		res := calcOK(t, req)
		last := res.Schedule[len(res.Schedule)-1]
		if last.End != calc.MustDate("2027-03-01") || last.SubsidyPaid == 0 {
			t.Fatalf("last period %+v", last)
		}
		for _, c := range checksWithCode(res, calc.CheckSubsidyTerm) {
			if !c.OK {
				t.Errorf("a 36-month subsidy fails the 60-month condition: %s", c.Message())
			}
		}
	})
}

var isoDate = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// TestBaseRateAssumedPaymentDate: with the rate fixed on the payment date
// (Decree 3), the assumed rates are those of the payment dates from
// 2026-09-14 on; a warning must not call a day the record covers unknown
// (the key rate is 14.00 % from 2026-07-27 to 2026-09-13).
func TestBaseRateAssumedPaymentDate(t *testing.T) {
	req := ruBase()
	req.Loan.IssueDate = calc.MustDate("2025-01-01") // payments on the 1st, to 2028-01-01
	req.Lang = "en"
	res := calcOK(t, req)
	recordEnd := calc.MustDate("2026-09-14")
	n := 0
	for _, c := range checksWithCode(res, calc.CheckBaseRateAssumed) {
		if c.OK {
			continue
		}
		n++
		for _, s := range isoDate.FindAllString(c.Message(), -1) {
			if d := calc.MustDate(s); d < recordEnd {
				t.Errorf("%q names %s, a day the record knows", c.Message(), s)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no assumed warning")
	}
	// The schedule itself uses the held 14 % from the first payment date in
	// the gap on.
	for _, p := range res.Schedule {
		if p.End >= recordEnd && !p.BaseRate.Equal(dec("14")) {
			t.Errorf("period %d paid %s: base rate %s, want 14 held", p.N, p.End, p.BaseRate)
		}
	}
}

// TestEmptySubsidyWindowFlagged: a subsidy start after the window's default
// end leaves no subsidy at all; the result must say so rather than report
// an eligible term "from 2030 to 2028".
func TestEmptySubsidyWindowFlagged(t *testing.T) {
	req := eaeuBase()
	req.Loan.TermMonths = 120
	req.Subsidy.Start = ptr(calc.MustDate("2030-03-01")) // default end 2029-03-01
	req.Lang = "en"
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		return // refusing the request is a fine answer too
	}
	if res.Totals.Subsidy != 0 {
		t.Fatalf("subsidy %s in an empty window", res.Totals.Subsidy)
	}
	flagged := false
	for _, c := range res.Checks {
		if (c.Code == calc.CheckSubsidyWindow || c.Code == calc.CheckSubsidyTerm) && !c.OK {
			flagged = true
		}
	}
	if !flagged {
		t.Errorf("empty window %s – %s not flagged; checks %+v", res.Programme.WindowStart, res.Programme.WindowEnd, res.Checks)
	}
}

// An ineligible loan is paid nothing (SPEC §6): a two-state EAEU project
// keeps what the programme would pay in subsidy_paid, but its payable
// subsidy, present value, grant element and budget shares are 0 and the
// borrower's figures are those of the loan without support.
func TestIneligiblePaysNothing(t *testing.T) {
	tests := map[string]struct {
		req      *calc.Request
		eligible bool
	}{
		"three states": {eaeuBase(), true},
		"two states": {with(eaeuBase, func(r *calc.Request) {
			r.Project.Participants = participants("BY", "60", "RU", "40")
		})(), false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			res := calcOK(t, tt.req)
			if res.Eligible != tt.eligible {
				t.Fatalf("eligible = %v, want %v; checks %+v", res.Eligible, tt.eligible, res.Checks)
			}
			if res.Totals.SubsidyPaid <= 0 {
				t.Fatalf("the programme would pay nothing: %+v", res.Totals)
			}
			if tt.eligible {
				if res.Totals.SubsidyPayable != res.Totals.SubsidyPaid || res.SubsidyPresentValue <= 0 {
					t.Errorf("eligible loan: payable %s of paid %s, PV %s", res.Totals.SubsidyPayable, res.Totals.SubsidyPaid, res.SubsidyPresentValue)
				}
				if !res.EffectiveRates.WithSubsidy.LessThan(res.EffectiveRates.WithoutSubsidy) {
					t.Errorf("eligible loan: effective rate with subsidy %s, without %s", res.EffectiveRates.WithSubsidy, res.EffectiveRates.WithoutSubsidy)
				}
				return
			}
			if res.Totals.SubsidyPayable != 0 || res.SubsidyPresentValue != 0 || !res.GrantElement.IsZero() {
				t.Errorf("payable %s, PV %s, grant element %s; want 0", res.Totals.SubsidyPayable, res.SubsidyPresentValue, res.GrantElement)
			}
			if res.Totals.BorrowerInterest != res.Totals.Interest || res.Totals.BorrowerPayments != res.Totals.Payments {
				t.Errorf("borrower interest %s of %s, payments %s of %s", res.Totals.BorrowerInterest, res.Totals.Interest, res.Totals.BorrowerPayments, res.Totals.Payments)
			}
			if !res.EffectiveRates.WithSubsidy.Equal(res.EffectiveRates.WithoutSubsidy) {
				t.Errorf("effective rate with subsidy %s, without %s", res.EffectiveRates.WithSubsidy, res.EffectiveRates.WithoutSubsidy)
			}
			for _, y := range res.Years {
				if y.SubsidyPayable != 0 || y.CapUsed != 0 {
					t.Errorf("year %d: payable %s, cap used %s", y.Year, y.SubsidyPayable, y.CapUsed)
				}
				for _, b := range y.BudgetShares {
					if b.Amount != 0 {
						t.Errorf("year %d: %s contributes %s", y.Year, b.Country, b.Amount)
					}
				}
			}
			for _, c := range res.Countries {
				if c.Benefit != 0 || c.Contribution != 0 {
					t.Errorf("%s: benefit %s, contribution %s", c.Country, c.Benefit, c.Contribution)
				}
			}
		})
	}
}
