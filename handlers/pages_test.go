package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	dec "github.com/shopspring/decimal"
)

// pageForm is the form of a 24-month rouble loan under programme with
// participants from countries.
func pageForm(programme string, countries ...string) url.Values {
	v := url.Values{
		"project.name": {"Электробусы"}, "loan.amount": {"100 000 000"}, "loan.currency": {"RUB"},
		"loan.rate": {"24,5"}, "loan.issue_date": {"2025-03-14"}, "loan.term_months": {"24"},
		"subsidy.programme": {programme},
	}
	shares := map[int][]string{1: {"100"}, 2: {"60", "40"}, 3: {"40", "35", "25"}}[len(countries)]
	for i, c := range countries {
		v.Set("project.participants["+string(rune('0'+i))+"].country", c)
		v.Set("project.participants["+string(rune('0'+i))+"].share", shares[i])
	}
	return v
}

func postPage(t *testing.T, s *handlers.Server, target string, v url.Values) answer {
	t.Helper()
	return do(t, s, "POST", target, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

// apiResult posts body to the API and decodes the result.
func apiResult(t *testing.T, s *handlers.Server, body string) calc.Result {
	t.Helper()
	a := postJSON(t, s, body)
	if a.Status != 200 {
		t.Fatalf("API %d: %s", a.Status, a)
	}
	var r calc.Result
	if err := json.Unmarshal(a.Body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

const pageLoanJSON = `"loan": {"amount": "100000000", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 24}`

// TestIneligiblePage: a two-state EAEU project is paid nothing, and the
// page, the API and the CSV say so and why.
func TestIneligiblePage(t *testing.T) {
	s := newServer(t, handlers.Config{})
	api := apiResult(t, s, `{"project": {"participants": [{"country": "BY", "share": "60"}, {"country": "RU", "share": "40"}]}, `+
		pageLoanJSON+`, "subsidy": {"programme": "eaeu-industrial"}}`)
	if api.Eligible || api.Totals.SubsidyPayable != 0 || api.Totals.SubsidyPaid == 0 {
		t.Fatalf("API: eligible %v, payable %s, paid %s", api.Eligible, api.Totals.SubsidyPayable, api.Totals.SubsidyPaid)
	}
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			a := postPage(t, s, "/calculate?lang="+lang, pageForm("eaeu-industrial", "BY", "RU"))
			if a.Status != 200 {
				t.Fatalf("status %d: %s", a.Status, a)
			}
			body := string(a.Body)
			verdict := map[string]string{"ru": "Не соответствует условиям программы", "en": "Not eligible"}[lang]
			iVerdict := strings.Index(body, verdict)
			iPayable := strings.Index(body, `id="total-subsidy" data-value="0.00"`)
			iWould := strings.Index(body, `id="subsidy-if-eligible" data-value="`+api.Totals.SubsidyPaid.String()+`"`)
			if iVerdict < 0 || iPayable < 0 || iWould < 0 || !(iVerdict < iPayable && iPayable < iWould) {
				t.Errorf("verdict at %d, payable 0 at %d, would-be %s at %d: the verdict must lead, the would-be amount come after",
					iVerdict, iPayable, api.Totals.SubsidyPaid, iWould)
			}
			if !strings.Contains(body, `<li data-code="min_member_states">`) {
				t.Error("the failed condition is not listed")
			}
			if strings.Contains(body, `class="card primary"`) {
				t.Error("the payable 0 is styled as the green headline")
			}
			for _, col := range []string{`th scope="col" class="hypo"`, `th scope="col" class="payable"`} {
				if strings.Count(body, col) != 2 {
					t.Errorf("%s: %d tables, want by year and schedule", col, strings.Count(body, col))
				}
			}
			csv := postPage(t, s, "/calculate?format=csv&lang="+lang, pageForm("eaeu-industrial", "BY", "RU"))
			no := map[string]string{"ru": ";0,00;", "en": ",0.00,"}[lang]
			if !bytes.Contains(csv.Body, []byte(no)) || !strings.Contains(csv.Header.Get("Content-Disposition"), "2025-03-14.csv") {
				t.Errorf("CSV %q: %.300s", csv.Header.Get("Content-Disposition"), csv.Body)
			}
			// The page's CSV is the API's, byte for byte.
			apiCSV := do(t, s, "POST", "/api/v1/calculations?format=csv&lang="+lang, `{"project": {"name": "Электробусы", "participants": [{"country": "BY", "share": "60"}, {"country": "RU", "share": "40"}]}, `+
				pageLoanJSON+`, "subsidy": {"programme": "eaeu-industrial"}}`, "Content-Type", "application/json")
			if !bytes.Equal(apiCSV.Body, csv.Body) || apiCSV.Header.Get("Content-Disposition") != csv.Header.Get("Content-Disposition") {
				t.Errorf("page and API CSV differ: %q vs %q", csv.Header.Get("Content-Disposition"), apiCSV.Header.Get("Content-Disposition"))
			}
		})
	}
	eligible := postPage(t, s, "/calculate", pageForm("eaeu-industrial", "BY", "RU", "KZ"))
	if !bytes.Contains(eligible.Body, []byte(`class="card primary"`)) || bytes.Contains(eligible.Body, []byte(`class="hypo"`)) ||
		bytes.Contains(eligible.Body, []byte(`id="subsidy-if-eligible"`)) {
		t.Error("eligible page: the payable card is not the headline, or would-be columns are shown")
	}
}

// TestCustomProgrammeForm: the form gives the custom programme's rule
// its own fields, errors name them, and the result equals the API's.
func TestCustomProgrammeForm(t *testing.T) {
	s := newServer(t, handlers.Config{})
	t.Run("NoTerm", func(t *testing.T) {
		a := postPage(t, s, "/calculate?lang=en", pageForm("custom", "RU"))
		if a.Status != 422 {
			t.Fatalf("status %d", a.Status)
		}
		body := string(a.Body)
		if !strings.Contains(body, `id="rule-error"`) || !strings.Contains(body, `href="#rule-fields"`) ||
			strings.Contains(body, "base_share, plus_points") {
			t.Errorf("the rule's error is not next to its fields or names JSON keys: %s", excerpt(body, "rule-error"))
		}
	})
	t.Run("BadNumber", func(t *testing.T) {
		v := pageForm("custom", "RU")
		v.Set("subsidy.rule.base_share", "half")
		v.Set("subsidy.rule.borrower_floor", "150")
		a := postPage(t, s, "/calculate?lang=en", v)
		body := string(a.Body)
		if a.Status != 422 || !strings.Contains(body, `id="subsidy-rule-base_share-error"`) || !strings.Contains(body, `value="half"`) {
			t.Errorf("status %d; base_share error missing: %s", a.Status, excerpt(body, "base_share"))
		}
	})
	t.Run("Computed", func(t *testing.T) {
		v := pageForm("custom", "RU")
		v.Set("subsidy.rule.base_share", "0,5")
		v.Set("subsidy.rule.plus_points", "−1")
		v.Set("subsidy.rule.base_fixing", "period_start")
		a := postPage(t, s, "/calculate", v)
		if a.Status != 200 {
			t.Fatalf("status %d: %s", a.Status, a)
		}
		api := apiResult(t, s, `{"project": {"participants": [{"country": "RU", "share": "100"}]}, `+pageLoanJSON+
			`, "subsidy": {"programme": "custom", "rule": {"base_share": "0.5", "plus_points": "-1", "base_fixing": "period_start"}}}`)
		if api.Totals.SubsidyPayable == 0 || !bytes.Contains(a.Body, []byte(`id="total-subsidy" data-value="`+api.Totals.SubsidyPayable.String()+`"`)) {
			t.Errorf("page differs from the API's %s", api.Totals.SubsidyPayable)
		}
	})
	t.Run("OtherProgrammeIgnoresRule", func(t *testing.T) {
		v := pageForm("eaeu-industrial", "BY", "RU", "KZ")
		v.Set("subsidy.rule.base_share", "0,1")
		a := postPage(t, s, "/calculate", v)
		api := apiResult(t, s, `{"project": {"participants": [{"country": "BY", "share": "40"}, {"country": "RU", "share": "35"}, {"country": "KZ", "share": "25"}]}, `+
			pageLoanJSON+`, "subsidy": {"programme": "eaeu-industrial"}}`)
		if !bytes.Contains(a.Body, []byte(`id="total-subsidy" data-value="`+api.Totals.SubsidyPayable.String()+`"`)) {
			t.Error("the rule fields changed a programme that fixes its rule")
		}
	})
}

func excerpt(s, near string) string {
	i := strings.Index(s, near)
	if i < 0 {
		return "(" + near + " not found)"
	}
	return s[max(0, i-200):min(len(s), i+300)]
}

// TestPageNumbers: one way per language for percentages, negatives and
// dates.
func TestPageNumbers(t *testing.T) {
	for _, tc := range []struct{ in, ru, en string }{
		{"24.5", "24,50\u00a0%", "24.50%"},
		{"27.4374", "27,44\u00a0%", "27.44%"},
		{"7.055", "7,06\u00a0%", "7.06%"},
		{"-0.005", "\u22120,01\u00a0%", "\u22120.01%"},
		{"1234.5", "1\u00a0234,50\u00a0%", "1,234.50%"},
	} {
		d := decOf(t, tc.in)
		if got := handlers.FormatPercent(d, "ru"); got != tc.ru {
			t.Errorf("FormatPercent(%s, ru) = %q, want %q", tc.in, got, tc.ru)
		}
		if got := handlers.FormatPercent(d, "en"); got != tc.en {
			t.Errorf("FormatPercent(%s, en) = %q, want %q", tc.in, got, tc.en)
		}
	}
	if got := handlers.FormatMoney(-571398315, "ru"); got != "\u22125\u00a0713\u00a0983,15" {
		t.Errorf("negative money %q", got)
	}
	// The form shows the EAEU contributions with the decimals of the most
	// precise one (7.055 %), thousands grouped, points with 2 decimals.
	s := newServer(t, handlers.Config{})
	form := string(do(t, s, "GET", "/?lang=ru", "").Body)
	for _, want := range []string{"Казахстан\u00a07,055\u00a0%", "Армения\u00a01,220\u00a0%", "350\u00a0000\u00a0000\u00a0RUB", "&#43; 6,50 п. п."} {
		if !strings.Contains(form, want) {
			t.Errorf("form lacks %q", want)
		}
	}
}

func decOf(t *testing.T, s string) dec.Decimal {
	t.Helper()
	return dec.RequireFromString(s)
}
