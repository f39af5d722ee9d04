package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/batch"
)

// TestBatchScenarios: a batch uploaded with scenarios answers, in its
// status, the payable subsidy by currency, scenario and year equal to the
// sum over the eligible loans of POST /api/v1/calculations asking for the
// same scenarios; its report has the scenarios sheet and its page the
// table.
func TestBatchScenarios(t *testing.T) {
	s := batchServer(t, batch.Options{})
	loans := batchLoans(15)
	ct, body := multipartBody(t, "loans.xlsx", batchWorkbook(t, loans, nil), "lang", "en", "scenarios", "low, base", "scenarios", "high")
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != http.StatusAccepted {
		t.Fatalf("POST: %d %s", a.Status, a)
	}
	type sum struct {
		Name, Currency string
		SubsidyPayable string `json:"subsidy_payable"`
		Years          []struct {
			Year           int
			SubsidyPayable string `json:"subsidy_payable"`
		}
	}
	var j struct {
		ID, Status, Scenarios string
		StatusURL             string `json:"status_url"`
		ReportURL             string `json:"report_url"`
		Summary               *struct {
			Eligible  int
			Scenarios []sum
		}
	}
	json.Unmarshal(a.Body, &j)
	deadline := time.Now().Add(60 * time.Second)
	for j.Status != "done" {
		if j.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("job %+v", j)
		}
		time.Sleep(50 * time.Millisecond)
		json.Unmarshal(do(t, s, http.MethodGet, j.StatusURL+"?lang=en", "").Body, &j)
	}
	if j.Scenarios != "low,base,high" || j.Summary == nil {
		t.Fatalf("job %+v", j)
	}
	want := map[string]decimal.Decimal{}
	eligible := 0
	for _, l := range loans {
		one := postJSON(t, s, strings.Replace(l.json(), `,"lang":"en"}`, `,"scenarios":["low","base","high"],"lang":"en"}`, 1))
		if one.Status != 200 {
			t.Fatalf("%s: %d %s", l.id, one.Status, one)
		}
		var res struct {
			Eligible  bool
			Currency  string
			Scenarios []sum
		}
		json.Unmarshal(one.Body, &res)
		if !res.Eligible {
			continue
		}
		eligible++
		for _, sc := range res.Scenarios {
			k := res.Currency + " " + sc.Name
			want[k] = want[k].Add(decimal.RequireFromString(sc.SubsidyPayable))
			for _, y := range sc.Years {
				k := fmt.Sprintf("%s %s %d", res.Currency, sc.Name, y.Year)
				want[k] = want[k].Add(decimal.RequireFromString(y.SubsidyPayable))
			}
		}
	}
	if eligible == 0 || eligible != j.Summary.Eligible || len(want) == 0 {
		t.Fatalf("%d eligible loans, batch %d", eligible, j.Summary.Eligible)
	}
	got := map[string]decimal.Decimal{}
	for _, sc := range j.Summary.Scenarios {
		got[sc.Currency+" "+sc.Name] = decimal.RequireFromString(sc.SubsidyPayable)
		for _, y := range sc.Years {
			got[fmt.Sprintf("%s %s %d", sc.Currency, sc.Name, y.Year)] = decimal.RequireFromString(y.SubsidyPayable)
		}
	}
	for k, w := range want {
		if !got[k].Equal(w) {
			t.Errorf("%s: batch %s, single calculations %s", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && !g.IsZero() {
			t.Errorf("%s: batch %s, single calculations nothing", k, g)
		}
	}

	for _, lang := range []string{"en", "ru"} {
		rep := do(t, s, http.MethodGet, j.ReportURL+"?lang="+lang, "")
		f, err := excelize.OpenReader(bytes.NewReader(rep.Body))
		if err != nil {
			t.Fatal(err)
		}
		name := map[string]string{"en": "Policy-rate scenarios", "ru": "Сценарии ключевой ставки"}[lang]
		if idx, _ := f.GetSheetIndex(name); idx < 0 {
			t.Errorf("%s report: sheets %q", lang, f.GetSheetList())
		}
		f.Close()
	}
	page := do(t, s, http.MethodGet, "/batch/"+j.ID+"?lang=en", "")
	if page.Status != 200 || !strings.Contains(string(page.Body), `id="scenarios-RUB"`) || !strings.Contains(string(page.Body), `id="opt-scenarios"`) {
		t.Errorf("status page: %d, no scenario table", page.Status)
	}
}

// TestBatchScenariosInvalid: an unknown scenario is a 422 naming the field
// scenarios, from the API and from the page's form.
func TestBatchScenariosInvalid(t *testing.T) {
	s := batchServer(t, batch.Options{})
	good := batchWorkbook(t, batchLoans(2), nil)
	ct, body := multipartBody(t, "x.xlsx", good, "scenarios", "low,doom")
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", a.Status, a)
	}
	if p := problem(t, a); !hasField(p, "scenarios") {
		t.Errorf("problem %+v lacks field scenarios", p)
	}
	a = doRaw(t, s, http.MethodPost, "/batch?lang=en", ct, body)
	if a.Status != http.StatusUnprocessableEntity || !strings.Contains(string(a.Body), `id="scenarios-error"`) {
		t.Errorf("page: %d", a.Status)
	}
	form := do(t, s, http.MethodGet, "/batch?lang=en", "")
	for _, n := range []string{"low", "base", "high"} {
		if !strings.Contains(string(form.Body), `id="scenario-`+n+`" name="scenarios" value="`+n+`"`) {
			t.Errorf("form lacks the %s checkbox", n)
		}
	}
}
