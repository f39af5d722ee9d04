package calc

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"

	"github.com/shopspring/decimal"
)

// Scenario is a named path of policy rates for the days after a country's
// record ends (SPEC §10): yearly averages, each held for its calendar year,
// or dated points, each held until the next. Before its first value the
// first is held, after its last the last.
type Scenario struct {
	Name    string         `json:"name"`
	Country string         `json:"country"`
	Years   []ScenarioYear `json:"years,omitempty"`
	Points  []RatePoint    `json:"points,omitempty"`
	// Source and Published say where a built-in scenario comes from.
	Source    string `json:"source,omitempty"`
	Published *Date  `json:"published,omitempty"`
}

// ScenarioYear is a policy rate, percent a year, held for one calendar year.
type ScenarioYear struct {
	Year int             `json:"year"`
	Rate decimal.Decimal `json:"rate"`
}

// ScenarioRef is one entry of Request.Scenarios: the name of a built-in
// scenario ("low") or a scenario of the user's own.
type ScenarioRef struct {
	Name     string
	Scenario *Scenario
}

// UnmarshalJSON reads a string (a built-in name) or an object (a Scenario;
// unknown members are an error).
func (s *ScenarioRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*s = ScenarioRef{}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &s.Name)
	}
	if len(b) > 0 && b[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var sc Scenario
		if err := dec.Decode(&sc); err != nil {
			return err
		}
		s.Scenario = &sc
		return nil
	}
	return errors.New("a scenario is a name or an object {name, country, years, points}")
}

// MarshalJSON writes the name or the object.
func (s ScenarioRef) MarshalJSON() ([]byte, error) {
	if s.Scenario != nil {
		return json.Marshal(s.Scenario)
	}
	return json.Marshal(s.Name)
}

// ScenarioResult is the payable subsidy of one calculation under one
// scenario: in total and by calendar year of payment, and the days whose
// policy rate the scenario supplied (Filled; empty when the record covers
// the whole loan or the calculation uses another country's rate).
type ScenarioResult struct {
	Name           string        `json:"name"`
	Eligible       bool          `json:"eligible"`
	SubsidyPayable Money         `json:"subsidy_payable"`
	Years          []YearPayable `json:"years"`
	Filled         []FilledSpan  `json:"filled"`
}

// YearPayable is the payable subsidy of one calendar year.
type YearPayable struct {
	Year           int   `json:"year"`
	SubsidyPayable Money `json:"subsidy_payable"`
}

// FilledSpan is a run of days [From, To) whose policy rate, Rate percent,
// came from a scenario.
type FilledSpan struct {
	From Date            `json:"from"`
	To   Date            `json:"to"`
	Rate decimal.Decimal `json:"rate"`
}

// scenariosJSON holds the built-in scenarios (SPEC §10).
//
//go:embed data/scenarios.json
var scenariosJSON []byte

var builtinScenarios = sync.OnceValue(func() []Scenario {
	var f struct {
		Scenarios []Scenario `json:"scenarios"`
	}
	if err := json.Unmarshal(scenariosJSON, &f); err != nil {
		panic("calc: data/scenarios.json: " + err.Error())
	}
	return f.Scenarios
})

// Scenarios returns the built-in policy-rate scenarios with their paths and
// sources. The slice is a copy the caller may keep.
func Scenarios() []Scenario { return slices.Clone(builtinScenarios()) }

// LookupScenario returns the built-in scenario called name.
func LookupScenario(name string) (Scenario, bool) {
	for _, s := range builtinScenarios() {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// checkScenarios validates Request.Scenarios.
func (p *plan) checkScenarios(c *checker) {
	list := p.req.Scenarios
	if !c.within("scenarios", len(list), MaxScenarios) {
		return
	}
	var names []string
	for i, ref := range list {
		f := "scenarios[" + strconv.Itoa(i) + "]"
		name := ref.Name
		if ref.Scenario == nil {
			if _, ok := LookupScenario(name); !ok {
				var all []string
				for _, s := range builtinScenarios() {
					all = append(all, s.Name)
				}
				c.enum(f, name, all)
				continue
			}
		} else {
			s := ref.Scenario
			name = s.Name
			if s.Name == "" || len(s.Name) > 64 {
				c.add(f+".name", Text{
					Ru: "обязательное поле; не более 64 символов",
					En: "required; at most 64 characters",
				})
			}
			c.enum(f+".country", s.Country, MemberStates)
			switch {
			case len(s.Years) == 0 && len(s.Points) == 0:
				c.add(f, Text{Ru: "задайте years или points", En: "give years or points"})
			case len(s.Years) > 0 && len(s.Points) > 0:
				c.add(f, Text{Ru: "задайте years или points, но не оба", En: "give years or points, not both"})
			}
			years := s.Years
			if !c.within(f+".years", len(years), MaxScenarioYears) {
				years = nil
			}
			seen := map[int]bool{}
			for j, y := range years {
				g := f + ".years[" + strconv.Itoa(j) + "]"
				if y.Year < 1990 || y.Year > 2100 {
					c.add(g+".year", Text{Ru: "должен быть от 1990 до 2100", En: "must be 1990 to 2100"})
				} else if seen[y.Year] {
					c.add(g+".year", Text{Ru: "год %d повторяется", En: "duplicate year %d"}, y.Year)
				}
				seen[y.Year] = true
				c.dec(g+".rate", y.Rate, decimal.Zero, hundred, maxRateDigits, true)
			}
			if c.within(f+".points", len(s.Points), MaxScenarioPoints) {
				c.ratePath(f+".points", s.Points, minDate, maxDate)
			}
		}
		if slices.Contains(names, name) {
			c.add(f, Text{Ru: "сценарий %q указан дважды", En: "scenario %q is asked for twice"}, name)
		}
		names = append(names, name)
	}
}

// timeline returns the scenario's path as a timeline.
func (s *Scenario) timeline() Timeline {
	if len(s.Points) > 0 {
		return ScenarioTimeline(s.Points)
	}
	pts := make([]RatePoint, len(s.Years))
	for i, y := range s.Years {
		pts[i] = RatePoint{Date: yearStart(y.Year), Rate: y.Rate}
	}
	return ScenarioTimeline(pts)
}

// recordEnd returns the first day after the record of country ends (the
// start of its trailing gap), and false when the record has no such end.
func recordEnd(tl Timeline) (Date, bool) {
	n := len(tl.points)
	if n < 2 || !tl.points[n-1].assumed {
		return 0, false
	}
	return tl.points[n-1].from, true
}

// withScenario returns the policy rate segments of p with the days from the
// record's end on taken from s, and the spans filled; ok is false when s
// fills nothing for this loan.
func (p *plan) withScenario(s *Scenario, book *RateBook) (segs []RateSegment, filled []FilledSpan, ok bool) {
	if !p.needBase || p.baseScenario || len(p.baseSegs) == 0 || s.Country != p.baseCountry {
		return nil, nil, false
	}
	end, has := recordEnd(book.Timeline(p.baseCountry))
	last := p.baseSegs[len(p.baseSegs)-1].End
	if !has || end >= last {
		return nil, nil, false
	}
	from := max(end, p.baseSegs[0].Start)
	for _, sg := range p.baseSegs {
		if sg.Start >= from {
			break
		}
		sg.End = min(sg.End, from)
		segs = append(segs, sg)
	}
	for _, sg := range s.timeline().Segments(from, last) {
		sg.Assumed = false
		segs = append(segs, sg)
		filled = append(filled, FilledSpan{From: sg.Start, To: sg.End, Rate: sg.Rate})
	}
	return segs, filled, true
}

// payableWith recomputes the payable subsidy of p's loan, whose schedule
// is sched, with the policy rate segments segs: the schedule does not
// change with the policy rate, only the subsidy and, through a rate
// ceiling, the eligibility. scratch is reused memory for the schedule.
func (p *plan) payableWith(sched []Period, segs []RateSegment, scratch *Result) (eligible bool, total Money, years []YearPayable) {
	q := *p
	q.baseSegs = segs
	q.assumed = nil
	q.ruleRates()
	scratch.Schedule = append(scratch.Schedule[:0], sched...)
	q.subsidyOnly(scratch.Schedule)
	q.applyCap(scratch)
	eligible = q.eligibility().eligible()
	for i := range scratch.Schedule {
		per := &scratch.Schedule[i]
		y := q.payYear[per.N]
		if n := len(years); n == 0 || years[n-1].Year != y {
			years = append(years, YearPayable{Year: y})
		}
		if eligible {
			years[len(years)-1].SubsidyPayable += per.SubsidyPaid
			total += per.SubsidyPaid
		}
	}
	return eligible, total, years
}

// scenarios fills res.Scenarios and res.SensitivityPerPP for the scenarios
// the request asks for.
func (p *plan) scenarios(res *Result, opt Options) {
	book := opt.Rates
	if book == nil {
		book = DefaultRateBook()
	}
	var scratch Result
	res.Scenarios = make([]ScenarioResult, 0, len(p.req.Scenarios))
	for _, ref := range p.req.Scenarios {
		var s Scenario
		if ref.Scenario != nil {
			s = *ref.Scenario
		} else {
			s, _ = LookupScenario(ref.Name)
		}
		sr := ScenarioResult{Name: s.Name, Filled: []FilledSpan{}}
		if segs, filled, ok := p.withScenario(&s, book); ok {
			sr.Eligible, sr.SubsidyPayable, sr.Years = p.payableWith(res.Schedule, segs, &scratch)
			sr.Filled = filled
		} else { // the record alone: the result's own figures
			sr.Eligible, sr.SubsidyPayable = res.Eligible, res.Totals.SubsidyPayable
			for _, y := range res.Years {
				sr.Years = append(sr.Years, YearPayable{Year: y.Year, SubsidyPayable: y.SubsidyPayable})
			}
		}
		res.Scenarios = append(res.Scenarios, sr)
	}
	var sens Money
	if p.needBase && len(p.baseSegs) > 0 {
		up := make([]RateSegment, len(p.baseSegs))
		one := decimal.NewFromInt(1)
		for i, sg := range p.baseSegs {
			sg.Rate = sg.Rate.Add(one)
			up[i] = sg
		}
		_, total, _ := p.payableWith(res.Schedule, up, &scratch)
		sens = total - res.Totals.SubsidyPayable
	}
	res.SensitivityPerPP = &sens
}

// ScenarioTotals adds up the scenarios of many results (a batch's loans)
// by name and calendar year, one result at a time, so a batch that streams
// its loans keeps only the totals: what a budget request needs. The zero
// value is empty and ready; it is not safe for concurrent use.
type ScenarioTotals struct {
	list []ScenarioResult
}

// Add adds res's scenarios (nothing when res is nil or has none). An
// ineligible loan's scenarios pay 0 and add nothing but its years.
func (t *ScenarioTotals) Add(res *Result) {
	if res == nil {
		return
	}
	for _, s := range res.Scenarios {
		i := slices.IndexFunc(t.list, func(o ScenarioResult) bool { return o.Name == s.Name })
		if i < 0 {
			t.list = append(t.list, ScenarioResult{Name: s.Name, Eligible: true, Filled: []FilledSpan{}})
			i = len(t.list) - 1
		}
		o := &t.list[i]
		o.SubsidyPayable += s.SubsidyPayable
		for _, y := range s.Years {
			j, found := slices.BinarySearchFunc(o.Years, y.Year, func(a YearPayable, t int) int { return a.Year - t })
			if !found {
				o.Years = slices.Insert(o.Years, j, YearPayable{Year: y.Year})
			}
			o.Years[j].SubsidyPayable += y.SubsidyPayable
		}
	}
}

// Results returns the totals by scenario, in the order the names first
// appeared, each with its years in order.
func (t *ScenarioTotals) Results() []ScenarioResult { return t.list }
