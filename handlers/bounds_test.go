package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/getkin/kin-openapi/openapi3"
)

// Issue 10 §1: one request cannot take the service down.

// ratePointsJSON writes n rate points on consecutive days from first, with
// distinct rates.
func ratePointsJSON(b *strings.Builder, n int, first calc.Date) {
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"date":"%s","rate":"%d.%03d"}`, first+calc.Date(i), 5+i%20, i%1000)
	}
	b.WriteByte(']')
}

// attackBody is the request that took 12 s and 4.7 GB: 12,000 policy rates
// × 12,500 contract rate changes, just under the 1 MiB body limit.
func attackBody(tb testing.TB) string {
	tb.Helper()
	issue := calc.MustDate("2026-01-15")
	var b strings.Builder
	b.WriteString(`{"loan":{"amount":"1000000.00","currency":"RUB","rate":"20","issue_date":"2026-01-15","term_months":600,"rate_changes":`)
	ratePointsJSON(&b, 12_500, issue+1)
	b.WriteString(`},"subsidy":{"programme":"eaeu-industrial","base_rates":`)
	ratePointsJSON(&b, 12_000, issue)
	b.WriteString(`}}`)
	if b.Len() > handlers.DefaultBodyLimit {
		tb.Fatalf("attack body is %d bytes, over the body limit", b.Len())
	}
	return b.String()
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// TestAttackBodyRefused: the 1 MB body of the attack is a 422 naming both
// lists with their limits, in the request's language, and costs little.
func TestAttackBodyRefused(t *testing.T) {
	s := newServer(t, handlers.Config{})
	body := attackBody(t)
	for _, lang := range []string{"en", "ru"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		a := postJSON(t, s, body, "Accept-Language", lang)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if a.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d: %s", lang, a.Status, a)
		}
		p := problem(t, a)
		if len(p.Errors) != 2 || !hasField(p, "loan.rate_changes") || !hasField(p, "subsidy.base_rates") {
			t.Fatalf("%s: errors %+v, want loan.rate_changes and subsidy.base_rates", lang, p.Errors)
		}
		for _, e := range p.Errors {
			if !strings.Contains(e.Message, strconv.Itoa(calc.MaxRateChanges)) || hasCyrillic(e.Message) != (lang == "ru") {
				t.Errorf("%s: %s: %q", lang, e.Field, e.Message)
			}
		}
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d-byte body refused in %v, %.1f MB allocated", lang, len(body), elapsed, float64(allocated)/1e6)
		if allocated > 100<<20 {
			t.Errorf("%s: %d bytes allocated for one request, want < 100 MB", lang, allocated)
		}
		if elapsed > 10*time.Second { // a hang guard; the figure is in the log
			t.Errorf("%s: took %v", lang, elapsed)
		}
	}
}

// TestLimitsBothDecoders: the hand-written decoder and the reflection one
// it falls back to both hand the attack to calc, which refuses it: the
// limits live in calc.Validate, which every entry point calls.
func TestLimitsBothDecoders(t *testing.T) {
	body := []byte(attackBody(t))
	fast, ok := wire.DecodeFast(body)
	if !ok {
		t.Fatal("the fast decoder declined the attack body")
	}
	slow, err := wire.DecodeReflect(body, "en")
	if err != nil {
		t.Fatal(err)
	}
	for name, req := range map[string]*calc.Request{"fast": fast, "reflect": slow} {
		err := calc.Validate(req)
		if err == nil || !strings.Contains(err.Error(), "loan.rate_changes: at most "+strconv.Itoa(calc.MaxRateChanges)) ||
			!strings.Contains(err.Error(), "subsidy.base_rates: at most "+strconv.Itoa(calc.MaxBaseRates)) {
			t.Errorf("%s decoder: %v", name, err)
		}
	}
}

// TestCalculationTimeBudget: a calculation that outlives Config.CalcTimeout
// is abandoned and answered 503 problem+json with Retry-After, counted as
// a timeout.
func TestCalculationTimeBudget(t *testing.T) {
	s := newServer(t, handlers.Config{CalcTimeout: time.Nanosecond})
	for _, lang := range []string{"en", "ru"} {
		a := postJSON(t, s, eaeuLoan, "Accept-Language", lang)
		if a.Status != http.StatusServiceUnavailable {
			t.Fatalf("%s: status %d: %s", lang, a.Status, a)
		}
		p := problem(t, a)
		if p.Type != handlers.TypeOverloaded || a.Header.Get("Retry-After") == "" || p.Detail == "" || hasCyrillic(p.Detail) != (lang == "ru") {
			t.Fatalf("%s: %+v, Retry-After %q", lang, p, a.Header.Get("Retry-After"))
		}
	}
	// Checking a bank's schedule keeps to the same budget.
	rec := strings.TrimSuffix(strings.TrimSpace(eaeuLoan), "}") + `, "bank_schedule": [{"date": "2025-04-14", "interest": "1.00"}]}`
	if a := do(t, s, http.MethodPost, "/api/v1/reconciliations", rec, "Content-Type", "application/json"); a.Status != http.StatusServiceUnavailable {
		t.Fatalf("reconciliation: status %d: %s", a.Status, a)
	} else if p := problem(t, a); p.Type != handlers.TypeOverloaded {
		t.Fatalf("reconciliation: %+v", p)
	}
	m := do(t, s, http.MethodGet, "/metrics", "")
	if !strings.Contains(string(m.Body), `subsidy_calculations_total{outcome="timeout"} 2`) {
		t.Errorf("metrics do not count the timeouts:\n%s", m.Body)
	}
	// The default budget lets the same request through.
	if a := postJSON(t, newServer(t, handlers.Config{}), eaeuLoan); a.Status != http.StatusOK {
		t.Fatalf("default budget: status %d: %s", a.Status, a)
	}
}

// worstBody is the costliest request the limits allow (calc's
// worstRequest as JSON): a 600-month loan with every list at its limit on
// distinct dates.
func worstBody() string {
	issue := calc.MustDate("2030-01-15")
	var b strings.Builder
	list := func(n int, item func(i int) string) {
		b.WriteByte('[')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(item(i))
		}
		b.WriteByte(']')
	}
	const amount = 100_000_000_000 // minor units
	each := amount / calc.MaxDisbursements
	b.WriteString(`{"project":{"participants":`)
	list(calc.MaxParticipants, func(i int) string {
		return fmt.Sprintf(`{"name":"P%d","country":"%s","share":"%d"}`, i, calc.MemberStates[i%5], 100/calc.MaxParticipants)
	})
	b.WriteString(`},"loan":{"amount":"1000000000.00","currency":"USD","rate":"20","issue_date":"2030-01-15","term_months":600,"disbursements":`)
	list(calc.MaxDisbursements, func(i int) string {
		a := each
		if i == 0 {
			a = amount - each*(calc.MaxDisbursements-1)
		}
		return fmt.Sprintf(`{"date":"%s","amount":"%d.%02d"}`, issue+calc.Date(30*i), a/100, a%100)
	})
	b.WriteString(`,"rate_changes":`)
	list(calc.MaxRateChanges, func(i int) string {
		return fmt.Sprintf(`{"date":"%s","rate":"%d.%06d"}`, issue+calc.Date(15+30*i), 10+i%10, i*7919%1_000_000)
	})
	b.WriteString(`},"subsidy":{"programme":"custom","base_rates":`)
	list(calc.MaxBaseRates, func(i int) string {
		return fmt.Sprintf(`{"date":"%s","rate":"%d.%06d"}`, issue+calc.Date(7+50*i), 5+i%10, i*7907%1_000_000)
	})
	b.WriteString(`,"rule":{"base_share":"0.7","plus_points":"1.5","minus_loan":false,"loan_share":"0.9","borrower_floor":"3","base_fixing":"daily"}`)
	b.WriteString(`,"annual_cap":{"amount":"2000000000","currency":"RUB"},"fx":`)
	list(calc.MaxFXRates, func(i int) string {
		if i == calc.MaxFXRates-1 {
			return `{"rate":"90"}`
		}
		return fmt.Sprintf(`{"year":%d,"rate":"%d.%02d"}`, 1990+i, (1990+i)/100, (1990+i)%100)
	})
	b.WriteString(`,"contributions":`)
	list(calc.MaxContributions, func(i int) string {
		return fmt.Sprintf(`{"country":"%s","share":"6.25"}`, calc.MemberStates[i%5])
	})
	b.WriteString(`}}`)
	return b.String()
}

// TestWorstBodyComputed: the costliest request under the limits is
// computed, end to end, well within the time budget and 100 MB.
func TestWorstBodyComputed(t *testing.T) {
	s := newServer(t, handlers.Config{})
	body := worstBody()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	a := postJSON(t, s, body)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if a.Status != http.StatusOK {
		t.Fatalf("status %d: %s", a.Status, a)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d-byte body computed in %v, %d-byte answer, %.1f MB allocated", len(body), elapsed, len(a.Body), float64(allocated)/1e6)
	if allocated > 100<<20 {
		t.Errorf("%d bytes allocated for one request, want < 100 MB", allocated)
	}
}

// BenchmarkCalculationWorst is the costliest request under the limits
// through the route (decode, calculate, encode).
func BenchmarkCalculationWorst(b *testing.B) {
	s := newServer(b, handlers.Config{})
	body := worstBody()
	b.ReportAllocs()
	for b.Loop() {
		if a := postJSON(b, s, body); a.Status != http.StatusOK {
			b.Fatalf("status %d: %s", a.Status, a)
		}
	}
}

// TestOpenAPIListLimits: the document's maxItems are calc's limits.
func TestOpenAPIListLimits(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(handlers.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := doc.Components.Schemas["CalculationRequest"].Value
	for path, want := range map[string]int{
		"loan.disbursements": calc.MaxDisbursements, "loan.rate_changes": calc.MaxRateChanges,
		"subsidy.base_rates": calc.MaxBaseRates, "subsidy.fx": calc.MaxFXRates,
		"project.participants": calc.MaxParticipants, "subsidy.contributions": calc.MaxContributions,
	} {
		obj, list, _ := strings.Cut(path, ".")
		s := req.Properties[obj].Value.Properties[list].Value
		if s.MaxItems == nil || int(*s.MaxItems) != want {
			t.Errorf("%s: maxItems %v, calc's limit %d", path, s.MaxItems, want)
		}
	}
	if s := req.Properties["scenarios"].Value; s.MaxItems == nil || int(*s.MaxItems) != calc.MaxScenarios {
		t.Errorf("scenarios: maxItems %v, calc's limit %d", s.MaxItems, calc.MaxScenarios)
	}
	sc := doc.Components.Schemas["Scenario"].Value
	for list, want := range map[string]int{"years": calc.MaxScenarioYears, "points": calc.MaxScenarioPoints} {
		if s := sc.Properties[list].Value; s.MaxItems == nil || int(*s.MaxItems) != want {
			t.Errorf("Scenario.%s: maxItems %v, calc's limit %d", list, s.MaxItems, want)
		}
	}
}
