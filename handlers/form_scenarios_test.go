package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestFormScenarioControl: the form offers the built-in scenarios as
// checkboxes, none ticked; ticking two sends two values, and the result
// page draws the fan chart of those two; a refused form keeps the ticks.
func TestFormScenarioControl(t *testing.T) {
	s := newServer(t, handlers.Config{})
	form := string(do(t, s, http.MethodGet, "/?lang=en", "").Body)
	for _, n := range []string{"low", "base", "high"} {
		if !strings.Contains(form, `<input type="checkbox" id="scenario-`+n+`" name="scenarios" value="`+n+`">`) {
			t.Errorf("no unticked %s checkbox", n)
		}
	}
	v := url.Values{"loan.amount": {"500000000"}, "loan.currency": {"RUB"}, "loan.rate": {"19"},
		"loan.issue_date": {"2026-02-10"}, "loan.term_months": {"48"}, "subsidy.programme": {"ru-industrial-0.7"},
		"scenarios": {"low", "high"}}
	a := do(t, s, http.MethodPost, "/calculate?lang=en", v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	body := string(a.Body)
	if a.Status != 200 || !strings.Contains(body, `aria-labelledby="fan-title"`) || strings.Count(body, `<li data-name=`) != 2 ||
		!strings.Contains(body, `<li data-name="low"`) || !strings.Contains(body, `<li data-name="high"`) {
		t.Fatalf("%d %s", a.Status, a)
	}
	v.Set("loan.amount", "много")
	a = do(t, s, http.MethodPost, "/calculate?lang=en", v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	body = string(a.Body)
	if a.Status != 422 || !strings.Contains(body, `id="scenario-low" name="scenarios" value="low" checked`) ||
		strings.Contains(body, `id="scenario-base" name="scenarios" value="base" checked`) {
		t.Errorf("refused form: %d, ticks not kept", a.Status)
	}
}

// TestFormForeignRule: the form's programme info of am-points gives its
// rule for a loan in a foreign currency (6 pp) beside the AMD one (8 pp).
func TestFormForeignRule(t *testing.T) {
	s := newServer(t, handlers.Config{})
	for lang, want := range map[string]string{
		"en": "8 pp for a loan in AMD; 6 pp in another currency",
		"ru": "8 п.п. — кредит в AMD; 6 п.п. — в иной валюте",
	} {
		body := string(do(t, s, http.MethodGet, "/?lang="+lang, "").Body)
		i := strings.Index(body, `data-programme="am-points"`)
		if i < 0 {
			t.Fatalf("%s: no am-points info", lang)
		}
		sec := body[i:]
		sec = sec[:strings.Index(sec, "</section>")]
		if !strings.Contains(sec, want) {
			t.Errorf("%s: am-points info lacks %q:\n%s", lang, want, sec)
		}
	}
}
