package calc

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// policyRatesCSV is the built-in policy rate record (SPEC §1 "Policy
// rates"): one row per change of each member state's central bank rate from
// 2023, with the decision date, a confidence mark and the sources.
//
// The last column, checked, holds 2026-11-23 on every row: the date the rows
// were taken into the product from the research file. The rows were not
// re-verified against their sources on that date; the confidence column
// says how well each row is supported.
//
//go:embed data/policy-rates.csv
var policyRatesCSV []byte

// RateBook is a set of policy rate records, one per member state: the rows
// of each country sorted by effective date. A RateBook is immutable once
// built, so one book may serve any number of concurrent calculations. Build
// one with [ParseRateBook] or take the built-in one from [DefaultRateBook].
type RateBook struct {
	rows      map[string][]PolicyRate
	timelines map[string]Timeline
	countries []string
}

// Columns of a policy rate file. The file's header row names them; their
// order is free and further columns are ignored.
const (
	rateColCountry    = "country"
	rateColEffective  = "effective_date"
	rateColRate       = "rate_percent"
	rateColDecision   = "decision_date" // optional
	rateColConfidence = "confidence"
	rateColSource     = "source"
	rateColChecked    = "checked" // optional
)

// maxRateFileProblems bounds the problems one [ParseRateBook] error lists.
const maxRateFileProblems = 50

var (
	rateBookColumns  = []string{rateColCountry, rateColEffective, rateColRate, rateColDecision, rateColConfidence, rateColSource, rateColChecked}
	rateBookRequired = []string{rateColCountry, rateColEffective, rateColRate, rateColConfidence, rateColSource}
	maxPolicyRate    = decimal.NewFromInt(100)
)

// ParseRateBook reads a policy rate file: CSV with a header row naming the
// columns country, effective_date, rate_percent, decision_date (optional),
// confidence, source and checked (optional), in any order; other columns
// are ignored.
//
// Each row is one change of a central bank's rate: country is a member
// state (AM, BY, KZ, KG or RU), effective_date the first day the rate is in
// force (YYYY-MM-DD), rate_percent the rate in percent a year, 0 to 100,
// kept exactly as written ("7.50"). An empty rate_percent is a gap: the rate
// is unknown from that date on (see [Timeline]). source lists URLs or notes
// separated by ";" (each is trimmed; empty and repeated entries are
// dropped). Rows may come in any order; a second row for the same country
// and effective date is an error.
//
// An error is an *[Error] of kind [Invalid] whose fields name the place of
// each problem as "line 7, column rate_percent" (lines count from 1, the
// header being line 1); up to 50 problems are reported at once.
func ParseRateBook(r io.Reader) (*RateBook, error) {
	var p problems
	add := func(line int, col string, t Text, args ...any) {
		if len(p.list) >= maxRateFileProblems {
			return
		}
		place := fmt.Sprintf("line %d", line)
		if col != "" {
			place += ", column " + col
		}
		p.add(place, t, args...)
	}
	fail := func() error {
		err := p.err().(*Error)
		err.Detail = "invalid policy rate file"
		return err
	}

	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			p.add("line 1", Text{
				Ru: "файл пуст: нужна строка заголовка",
				En: "the file is empty: a header row is required",
			})
		} else {
			addCSVError(&p, err)
		}
		return nil, fail()
	}
	cols := make(map[string]int, len(rateBookColumns))
	width := len(header)
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(rateBookColumns, h) {
			continue
		}
		if _, dup := cols[h]; dup {
			add(1, h, Text{
				Ru: "столбец указан в заголовке дважды",
				En: "the column appears twice in the header",
			})
			continue
		}
		cols[h] = i
	}
	for _, c := range rateBookRequired {
		if _, ok := cols[c]; !ok {
			add(1, c, Text{
				Ru: "в заголовке нет такого столбца; обязательные столбцы: %s",
				En: "the header has no such column; required columns are %s",
			}, strings.Join(rateBookRequired, ", "))
		}
	}
	if len(p.list) > 0 {
		return nil, fail()
	}

	b := &RateBook{rows: make(map[string][]PolicyRate), timelines: make(map[string]Timeline)}
	type key struct {
		country string
		date    Date
	}
	seen := make(map[key]int) // (country, effective date) -> line
	nrows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			addCSVError(&p, err)
			return nil, fail()
		}
		line, _ := cr.FieldPos(0)
		nrows++
		if len(rec) != width {
			add(line, "", Text{
				Ru: "в строке %d полей, в заголовке %d",
				En: "the row has %d fields, the header %d",
			}, len(rec), width)
			continue
		}
		field := func(col string) (string, int, bool) {
			i, ok := cols[col]
			if !ok {
				return "", line, false
			}
			l, _ := cr.FieldPos(i)
			return strings.TrimSpace(rec[i]), l, true
		}
		var row PolicyRate
		ok := true

		s, l, _ := field(rateColCountry)
		row.Country = strings.ToUpper(s)
		if !slices.Contains(MemberStates, row.Country) {
			add(l, rateColCountry, Text{
				Ru: "%q не государство-член; допустимы AM, BY, KZ, KG, RU",
				En: "%q is not a member state; use AM, BY, KZ, KG or RU",
			}, s)
			ok = false
		}

		s, l, _ = field(rateColEffective)
		if d, err := ParseDate(s); err != nil {
			add(l, rateColEffective, Text{Ru: "%q не дата ГГГГ-ММ-ДД", En: "%q is not a date YYYY-MM-DD"}, s)
			ok = false
		} else {
			row.Effective = d
		}

		s, l, _ = field(rateColRate)
		if s != "" {
			v, err := decimal.NewFromString(s)
			switch {
			case err != nil:
				add(l, rateColRate, Text{
					Ru: "%q не число; для пробела оставьте ячейку пустой",
					En: "%q is not a number; leave the cell empty for a gap",
				}, s)
				ok = false
			case v.Sign() < 0 || v.GreaterThan(maxPolicyRate):
				add(l, rateColRate, Text{Ru: "%s вне диапазона 0..100 %%", En: "%s is outside 0..100 percent"}, s)
				ok = false
			default:
				row.Rate = &v
			}
		}

		if s, l, present := field(rateColDecision); present && s != "" {
			if d, err := ParseDate(s); err != nil {
				add(l, rateColDecision, Text{Ru: "%q не дата ГГГГ-ММ-ДД", En: "%q is not a date YYYY-MM-DD"}, s)
				ok = false
			} else {
				row.Decision = &d
			}
		}
		if s, l, present := field(rateColChecked); present && s != "" {
			if d, err := ParseDate(s); err != nil {
				add(l, rateColChecked, Text{Ru: "%q не дата ГГГГ-ММ-ДД", En: "%q is not a date YYYY-MM-DD"}, s)
				ok = false
			} else {
				row.Checked = &d
			}
		}
		row.Confidence, _, _ = field(rateColConfidence)
		s, _, _ = field(rateColSource)
		row.Sources = splitSources(s)

		if !ok {
			continue
		}
		k := key{row.Country, row.Effective}
		if prev, dup := seen[k]; dup {
			_, l, _ := field(rateColEffective)
			add(l, rateColEffective, Text{
				Ru: "%s %s повторяет строку %d",
				En: "%s %s repeats line %d",
			}, row.Country, row.Effective, prev)
			continue
		}
		seen[k] = line
		b.rows[row.Country] = append(b.rows[row.Country], row)
	}
	if len(p.list) > 0 {
		return nil, fail()
	}
	if nrows == 0 {
		p.add("line 2", Text{
			Ru: "в файле есть заголовок, но нет строк",
			En: "the file has a header but no rows",
		})
		return nil, fail()
	}
	for c, rows := range b.rows {
		slices.SortStableFunc(rows, func(a, b PolicyRate) int { return int(a.Effective) - int(b.Effective) })
		b.timelines[c] = recordTimeline(rows)
		b.countries = append(b.countries, c)
	}
	slices.Sort(b.countries)
	return b, nil
}

// addCSVError records a syntax error of encoding/csv with its place.
func addCSVError(p *problems, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		place := fmt.Sprintf("line %d, column %d", pe.Line, pe.Column)
		if pe.StartLine != pe.Line {
			p.add(place, Text{
				Ru: "неверный формат CSV: %v (запись начинается в строке %d)",
				En: "malformed CSV: %v (the record starts on line %d)",
			}, pe.Err, pe.StartLine)
			return
		}
		p.add(place, Text{Ru: "неверный формат CSV: %v", En: "malformed CSV: %v"}, pe.Err)
		return
	}
	p.add("file", Text{Ru: "не удалось прочитать файл: %v", En: "cannot read the file: %v"}, err)
}

// splitSources splits a source cell at ";", trims the entries and drops
// empty and repeated ones, keeping the first occurrence's order.
func splitSources(s string) []string {
	out := []string{}
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part != "" && !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out
}

var defaultRateBook = sync.OnceValue(func() *RateBook {
	b, err := ParseRateBook(bytes.NewReader(policyRatesCSV))
	if err != nil {
		panic("calc: the embedded data/policy-rates.csv is broken: " + err.Error())
	}
	return b
})

// DefaultRateBook returns the built-in policy rate record, the file
// data/policy-rates.csv embedded in the binary, parsed on first use and
// shared afterwards. It panics only if that embedded file is broken, which
// the package's tests rule out.
func DefaultRateBook() *RateBook { return defaultRateBook() }

// Rows returns a copy of country's rows sorted by effective date, gaps
// included; nil for a country the book does not hold. The copy is deep:
// changing it does not change the book.
func (b *RateBook) Rows(country string) []PolicyRate {
	if b == nil {
		return nil
	}
	rows := b.rows[country]
	if rows == nil {
		return nil
	}
	out := make([]PolicyRate, len(rows))
	for i, r := range rows {
		out[i] = r
		if r.Rate != nil {
			v := *r.Rate
			out[i].Rate = &v
		}
		if r.Decision != nil {
			v := *r.Decision
			out[i].Decision = &v
		}
		if r.Checked != nil {
			v := *r.Checked
			out[i].Checked = &v
		}
		out[i].Sources = slices.Clone(r.Sources)
	}
	return out
}

// Countries returns the member states the book holds rows for, sorted
// ("AM", "BY", "KG", "KZ", "RU" for the built-in book).
func (b *RateBook) Countries() []string {
	if b == nil {
		return nil
	}
	return slices.Clone(b.countries)
}

// Timeline returns country's policy rate timeline, a record (see
// [Timeline]). A country the book does not hold gives an empty timeline.
// The call does not allocate: the book builds its timelines when it is
// parsed.
func (b *RateBook) Timeline(country string) Timeline {
	if b == nil {
		return Timeline{}
	}
	return b.timelines[country]
}

// Timeline is the policy rate in force on every day, in percent a year:
// an ordered list of points, each a rate (or a gap) in force from its date
// until the next point. It comes in two kinds:
//
//   - A record ([RateBook.Timeline]) is what is known about a central bank's
//     rate. It may have gaps (rows with no rate) and normally ends with one
//     where knowledge ends. Inside a gap and after the record ends the last
//     known value is held, marked assumed. A record whose last row carries a
//     rate holds that rate on without end, not assumed.
//   - A scenario ([ScenarioTimeline]) is a forecast a user gives: the last
//     point's rate holds on without end, not assumed.
//
// For both kinds, before the first point the first known value is held,
// marked assumed. A timeline with no known rate at all is empty. The zero
// Timeline is an empty record. Timelines are immutable and safe for
// concurrent use.
type Timeline struct {
	// points are resolved: each carries the rate that applies from its date
	// (held values filled in) and whether it is assumed. points[0] starts at
	// the smallest Date and stands for the days before the first row.
	// Neighbouring points differ in rate or in the assumed flag.
	points   []timelinePoint
	scenario bool
}

type timelinePoint struct {
	from    Date
	rate    decimal.Decimal
	assumed bool
	val     rateVal // newRateVal(rate), made once with the timeline (plan.baseVal)
}

// timelineStart is the earliest Date, the start of the held-first-value run.
const timelineStart = Date(math.MinInt32)

// recordTimeline builds the timeline of one country's rows, sorted by date.
func recordTimeline(rows []PolicyRate) Timeline {
	return resolveTimeline(len(rows), func(i int) (Date, *decimal.Decimal) {
		return rows[i].Effective, rows[i].Rate
	}, false)
}

// ScenarioTimeline returns the timeline of a user's scenario: each point's
// rate (percent a year) holds from its date until the next point, the last
// one without end; before the first point its rate is held, marked assumed.
// points may come in any order; they are sorted by date (points are not
// changed). The caller rejects repeated dates: if some remain, the one
// given last wins. No points give an empty timeline.
func ScenarioTimeline(points []RatePoint) Timeline {
	sorted := slices.Clone(points)
	slices.SortStableFunc(sorted, func(a, b RatePoint) int { return int(a.Date) - int(b.Date) })
	return resolveTimeline(len(sorted), func(i int) (Date, *decimal.Decimal) {
		return sorted[i].Date, &sorted[i].Rate
	}, true)
}

// resolveTimeline fills in held values and merges equal neighbours. at(i)
// returns the date and rate (nil for a gap) of the i-th point in date order.
func resolveTimeline(n int, at func(i int) (Date, *decimal.Decimal), scenario bool) Timeline {
	t := Timeline{scenario: scenario}
	var first *decimal.Decimal
	for i := range n {
		if _, r := at(i); r != nil {
			first = r
			break
		}
	}
	if first == nil {
		return t
	}
	pts := make([]timelinePoint, 1, n+1)
	pts[0] = timelinePoint{from: timelineStart, rate: *first, assumed: true}
	last := *first
	for i := range n {
		d, r := at(i)
		if i+1 < n {
			if next, _ := at(i + 1); next == d {
				continue // a repeated date: the later point wins
			}
		}
		p := timelinePoint{from: d, rate: last, assumed: true}
		if r != nil {
			p = timelinePoint{from: d, rate: *r}
			last = *r
		}
		if top := pts[len(pts)-1]; top.assumed == p.assumed && decCmp(top.rate, p.rate) == 0 {
			continue
		}
		pts = append(pts, p)
	}
	for i := range pts {
		pts[i].val = newRateVal(pts[i].rate)
	}
	t.points = pts
	return t
}

// Empty reports whether t knows no rate at all (no points, or only gaps).
// An empty timeline has no segments; the caller reports the missing rate.
func (t Timeline) Empty() bool { return len(t.points) == 0 }

// Scenario reports whether t is a user's scenario rather than a record.
func (t Timeline) Scenario() bool { return t.scenario }

// index returns the index of the point in force on day: the last point
// starting on or before it. t must not be empty.
func (t Timeline) index(day Date) int {
	lo, hi := 0, len(t.points) // points[0].from <= day always
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if t.points[mid].from <= day {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// At returns the policy rate in force on day, in percent a year, and
// whether it is assumed (held across a gap, after the record ends or
// before the first point). ok is false only when t is empty.
func (t Timeline) At(day Date) (rate decimal.Decimal, assumed bool, ok bool) {
	if len(t.points) == 0 {
		return decimal.Decimal{}, false, false
	}
	p := t.points[t.index(day)]
	return p.rate, p.assumed, true
}

// Segments splits the days [from, to) into consecutive runs of one policy
// rate (percent a year, as written in the source) and one assumed flag: the
// first segment starts on from, the last ends on to, each ends where the
// next starts, and neighbours differ in rate or flag. It returns nil when
// from >= to or t is empty. For example, the built-in Armenian record
// gives, for 2023-07-01..2023-10-01, 10.50 known until 2023-08-02, 10.50
// assumed (a gap) until 2023-09-13, and 9.75 known after. The result is the
// only allocation.
func (t Timeline) Segments(from, to Date) []RateSegment {
	segs, _ := t.segments(from, to, nil)
	return segs
}

// segments is Segments that also returns the points the segments come
// from, pts[k] giving segs[k] (a part of t's own list, not a copy). The
// segments are written into buf when they fit, else into new memory.
func (t Timeline) segments(from, to Date, buf []RateSegment) (segs []RateSegment, pts []timelinePoint) {
	if from >= to || len(t.points) == 0 {
		return nil, nil
	}
	i := t.index(from)
	j := t.index(to - 1)
	segs = buf[:0]
	if cap(buf) < j-i+1 {
		segs = make([]RateSegment, 0, j-i+1)
	}
	for k := i; k <= j; k++ {
		p := t.points[k]
		s := RateSegment{Start: max(p.from, from), End: to, Rate: p.rate, Assumed: p.assumed}
		if k < j {
			s.End = t.points[k+1].from
		}
		segs = append(segs, s)
	}
	return segs, t.points[i : j+1]
}
