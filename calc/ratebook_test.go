package calc_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// seg builds a RateSegment from ISO dates and a rate string.
func seg(start, end, rate string, assumed bool) calc.RateSegment {
	return calc.RateSegment{Start: calc.MustDate(start), End: calc.MustDate(end), Rate: decimal.RequireFromString(rate), Assumed: assumed}
}

// parseBook parses a CSV text that must be valid.
func parseBook(t testing.TB, text string) *calc.RateBook {
	t.Helper()
	b, err := calc.ParseRateBook(strings.NewReader(text))
	if err != nil {
		t.Fatalf("ParseRateBook: %v", err)
	}
	return b
}

// points builds scenario points from "date=rate" pairs.
func points(t testing.TB, pairs ...string) []calc.RatePoint {
	t.Helper()
	var out []calc.RatePoint
	for _, p := range pairs {
		d, r, ok := strings.Cut(p, "=")
		if !ok {
			t.Fatalf("bad point %q", p)
		}
		out = append(out, calc.RatePoint{Date: calc.MustDate(d), Rate: decimal.RequireFromString(r)})
	}
	return out
}

// equalSegments compares segments, rates by value ("10.5" equals "10.50").
func equalSegments(t testing.TB, got, want []calc.RateSegment) {
	t.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		g, w := got[i], want[i]
		same = g.Start == w.Start && g.End == w.End && g.Assumed == w.Assumed && g.Rate.Equal(w.Rate)
	}
	if !same {
		t.Errorf("segments:\n got %s\nwant %s", fmtSegments(got), fmtSegments(want))
	}
}

func fmtSegments(s []calc.RateSegment) string {
	if s == nil {
		return "nil"
	}
	var b strings.Builder
	for _, x := range s {
		fmt.Fprintf(&b, "[%s %s %s %v] ", x.Start, x.End, x.Rate, x.Assumed)
	}
	return b.String()
}

// checkCovers asserts that segs exactly cover [from, to) and that
// neighbours differ.
func checkCovers(t testing.TB, segs []calc.RateSegment, from, to calc.Date) {
	t.Helper()
	if len(segs) == 0 {
		t.Fatalf("no segments for [%s, %s)", from, to)
	}
	if segs[0].Start != from || segs[len(segs)-1].End != to {
		t.Errorf("segments cover [%s, %s), want [%s, %s)", segs[0].Start, segs[len(segs)-1].End, from, to)
	}
	for i, s := range segs {
		if s.Start >= s.End {
			t.Errorf("segment %d is empty: %s..%s", i, s.Start, s.End)
		}
		if i > 0 {
			p := segs[i-1]
			if p.End != s.Start {
				t.Errorf("segment %d starts %s, previous ends %s", i, s.Start, p.End)
			}
			if p.Assumed == s.Assumed && p.Rate.Equal(s.Rate) {
				t.Errorf("segments %d and %d not merged: %s %v", i-1, i, s.Rate, s.Assumed)
			}
		}
	}
}

func TestDefaultRateBook(t *testing.T) {
	b := calc.DefaultRateBook()
	if got, want := b.Countries(), []string{"AM", "BY", "KG", "KZ", "RU"}; !slices.Equal(got, want) {
		t.Fatalf("Countries() = %v, want %v", got, want)
	}
	checked := calc.MustDate("2026-11-23")
	wantRows := map[string]int{"AM": 17, "BY": 9, "KG": 3, "KZ": 14, "RU": 20}
	for _, c := range b.Countries() {
		t.Run(c, func(t *testing.T) {
			rows := b.Rows(c)
			if len(rows) != wantRows[c] {
				t.Errorf("%d rows, want %d", len(rows), wantRows[c])
			}
			for i, r := range rows {
				if r.Country != c {
					t.Errorf("row %d: country %q", i, r.Country)
				}
				if i > 0 && r.Effective <= rows[i-1].Effective {
					t.Errorf("row %d: %s not after %s", i, r.Effective, rows[i-1].Effective)
				}
				if r.Checked == nil || *r.Checked != checked {
					t.Errorf("row %d (%s): checked %v, want %s", i, r.Effective, r.Checked, checked)
				}
				if len(r.Sources) == 0 {
					t.Errorf("row %d (%s): no sources", i, r.Effective)
				}
				if r.Rate == nil && r.Confidence != "GAP" {
					t.Errorf("row %d (%s): empty rate but confidence %q", i, r.Effective, r.Confidence)
				}
			}
			if last := rows[len(rows)-1]; last.Rate != nil {
				t.Errorf("record ends with a rate (%s on %s), want a gap row", last.Rate, last.Effective)
			}
			tl := b.Timeline(c)
			if tl.Empty() || tl.Scenario() {
				t.Errorf("Timeline: empty %v, scenario %v", tl.Empty(), tl.Scenario())
			}
			from, to := calc.MustDate("2020-01-01"), calc.MustDate("2032-01-01")
			checkCovers(t, tl.Segments(from, to), from, to)
		})
	}
}

// TestEmbeddedFile parses the data file the binary embeds, the same bytes
// DefaultRateBook panics on if they are broken.
func TestEmbeddedFile(t *testing.T) {
	f, err := os.Open("data/policy-rates.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := calc.ParseRateBook(f)
	if err != nil {
		t.Fatalf("data/policy-rates.csv: %v", err)
	}
	def := calc.DefaultRateBook()
	for _, c := range def.Countries() {
		got, want := b.Rows(c), def.Rows(c)
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, DefaultRateBook has %d", c, len(got), len(want))
		}
	}
}

func TestDefaultRateBookConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	books := make([]*calc.RateBook, 8)
	for i := range books {
		wg.Go(func() {
			books[i] = calc.DefaultRateBook()
			books[i].Timeline("RU").Segments(calc.MustDate("2024-01-01"), calc.MustDate("2025-01-01"))
		})
	}
	wg.Wait()
	for i, b := range books {
		if b != books[0] {
			t.Errorf("call %d returned another book", i)
		}
	}
}

func TestRateBookRowsCopy(t *testing.T) {
	b := calc.DefaultRateBook()
	rows := b.Rows("RU")
	*rows[0].Rate = decimal.NewFromInt(99)
	rows[0].Sources[0] = "changed"
	rows[0].Effective = 0
	again := b.Rows("RU")
	if !again[0].Rate.Equal(decimal.RequireFromString("7.50")) || again[0].Sources[0] == "changed" || again[0].Effective == 0 {
		t.Errorf("changing the copy changed the book: %+v", again[0])
	}
	if got := b.Rows("US"); got != nil {
		t.Errorf("Rows(US) = %v, want nil", got)
	}
	countries := b.Countries()
	countries[0] = "XX"
	if b.Countries()[0] != "AM" {
		t.Error("changing Countries() changed the book")
	}
}

func TestRateBookTimeline(t *testing.T) {
	b := calc.DefaultRateBook()
	tests := []struct {
		name     string
		country  string
		from, to string
		want     []calc.RateSegment
	}{
		{"ArmenianGap", "AM", "2023-07-01", "2023-10-01", []calc.RateSegment{
			seg("2023-07-01", "2023-08-02", "10.50", false),
			seg("2023-08-02", "2023-09-13", "10.50", true),
			seg("2023-09-13", "2023-10-01", "9.75", false),
		}},
		{"InsideGap", "AM", "2023-08-10", "2023-08-20", []calc.RateSegment{
			seg("2023-08-10", "2023-08-20", "10.50", true),
		}},
		{"RussiaAfterRecordEnds", "RU", "2026-09-01", "2027-03-01", []calc.RateSegment{
			seg("2026-09-01", "2026-09-14", "14.00", false),
			seg("2026-09-14", "2027-03-01", "14.00", true),
		}},
		{"BeforeFirstRow", "RU", "2022-06-01", "2023-03-01", []calc.RateSegment{
			seg("2022-06-01", "2023-01-01", "7.50", true),
			seg("2023-01-01", "2023-03-01", "7.50", false),
		}},
		{"EndsOnChange", "RU", "2023-07-01", "2023-07-24", []calc.RateSegment{
			seg("2023-07-01", "2023-07-24", "7.50", false),
		}},
		{"StartsOnChange", "RU", "2023-07-24", "2023-09-01", []calc.RateSegment{
			seg("2023-07-24", "2023-08-15", "8.50", false),
			seg("2023-08-15", "2023-09-01", "12.00", false),
		}},
		{"OneDay", "RU", "2023-08-14", "2023-08-15", []calc.RateSegment{
			seg("2023-08-14", "2023-08-15", "8.50", false),
		}},
		{"KyrgyzLeadingGap", "KG", "2022-01-01", "2025-06-01", []calc.RateSegment{
			seg("2022-01-01", "2024-08-27", "9.00", true),
			seg("2024-08-27", "2025-01-01", "9.00", false),
			seg("2025-01-01", "2025-06-01", "9.00", true),
		}},
		{"BelarusLongHold", "BY", "2024-01-01", "2025-10-01", []calc.RateSegment{
			seg("2024-01-01", "2025-06-25", "9.50", false),
			seg("2025-06-25", "2025-09-01", "9.75", false),
			seg("2025-09-01", "2025-10-01", "9.75", true),
		}},
		{"FromAfterTo", "RU", "2024-02-01", "2024-01-01", nil},
		{"FromEqualsTo", "RU", "2024-01-01", "2024-01-01", nil},
		{"UnknownCountry", "US", "2024-01-01", "2025-01-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := calc.MustDate(tt.from), calc.MustDate(tt.to)
			got := b.Timeline(tt.country).Segments(from, to)
			equalSegments(t, got, tt.want)
			if tt.want != nil {
				checkCovers(t, got, from, to)
			}
		})
	}
}

func TestTimelineAt(t *testing.T) {
	b := calc.DefaultRateBook()
	tests := []struct {
		name    string
		tl      calc.Timeline
		day     string
		rate    string
		assumed bool
		ok      bool
	}{
		{"BeforeRecord", b.Timeline("KZ"), "2020-05-05", "16.75", true, true},
		{"FirstDay", b.Timeline("KZ"), "2023-01-01", "16.75", false, true},
		{"DayBeforeChange", b.Timeline("KZ"), "2023-08-27", "16.75", false, true},
		{"ChangeDay", b.Timeline("KZ"), "2023-08-28", "16.50", false, true},
		{"RecordEndDay", b.Timeline("KZ"), "2026-09-07", "16.75", true, true},
		{"FarFuture", b.Timeline("KZ"), "2040-01-01", "16.75", true, true},
		{"ArmenianGap", b.Timeline("AM"), "2023-09-12", "10.50", true, true},
		{"ArmenianGapEnds", b.Timeline("AM"), "2023-09-13", "9.75", false, true},
		{"ScenarioBefore", calc.ScenarioTimeline(points(t, "2025-01-01=20", "2025-06-01=18")), "2024-12-31", "20", true, true},
		{"ScenarioAfter", calc.ScenarioTimeline(points(t, "2025-01-01=20", "2025-06-01=18")), "2030-01-01", "18", false, true},
		{"Empty", calc.Timeline{}, "2025-01-01", "0", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rate, assumed, ok := tt.tl.At(calc.MustDate(tt.day))
			if ok != tt.ok || assumed != tt.assumed || !rate.Equal(decimal.RequireFromString(tt.rate)) {
				t.Errorf("At(%s) = %s, %v, %v; want %s, %v, %v", tt.day, rate, assumed, ok, tt.rate, tt.assumed, tt.ok)
			}
		})
	}
}

func TestScenarioTimeline(t *testing.T) {
	tests := []struct {
		name     string
		points   []calc.RatePoint
		from, to string
		want     []calc.RateSegment
	}{
		{"BeforeFirstAssumed", points(t, "2025-03-01=21", "2025-06-09=20"), "2025-01-01", "2025-07-01", []calc.RateSegment{
			seg("2025-01-01", "2025-03-01", "21", true),
			seg("2025-03-01", "2025-06-09", "21", false),
			seg("2025-06-09", "2025-07-01", "20", false),
		}},
		{"AfterLastHolds", points(t, "2025-01-01=21", "2025-06-09=20"), "2025-06-01", "2030-01-01", []calc.RateSegment{
			seg("2025-06-01", "2025-06-09", "21", false),
			seg("2025-06-09", "2030-01-01", "20", false),
		}},
		{"Unsorted", points(t, "2026-01-01=15", "2025-01-01=21", "2025-07-01=18"), "2025-01-01", "2026-06-01", []calc.RateSegment{
			seg("2025-01-01", "2025-07-01", "21", false),
			seg("2025-07-01", "2026-01-01", "18", false),
			seg("2026-01-01", "2026-06-01", "15", false),
		}},
		{"EqualRatesMerged", points(t, "2025-01-01=10", "2025-03-01=10.00", "2025-06-01=12", "2025-09-01=12"), "2025-01-01", "2026-01-01", []calc.RateSegment{
			seg("2025-01-01", "2025-06-01", "10", false),
			seg("2025-06-01", "2026-01-01", "12", false),
		}},
		{"RepeatedDateLastWins", points(t, "2025-01-01=10", "2025-03-01=11", "2025-03-01=12"), "2025-01-01", "2025-12-01", []calc.RateSegment{
			seg("2025-01-01", "2025-03-01", "10", false),
			seg("2025-03-01", "2025-12-01", "12", false),
		}},
		{"OnePoint", points(t, "2025-01-01=0"), "2024-12-01", "2025-02-01", []calc.RateSegment{
			seg("2024-12-01", "2025-01-01", "0", true),
			seg("2025-01-01", "2025-02-01", "0", false),
		}},
		{"Empty", nil, "2025-01-01", "2026-01-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.points)
			tl := calc.ScenarioTimeline(tt.points)
			if !tl.Scenario() {
				t.Error("Scenario() = false")
			}
			if tl.Empty() != (tt.want == nil) {
				t.Errorf("Empty() = %v", tl.Empty())
			}
			from, to := calc.MustDate(tt.from), calc.MustDate(tt.to)
			got := tl.Segments(from, to)
			equalSegments(t, got, tt.want)
			if tt.want != nil {
				checkCovers(t, got, from, to)
			}
			if !slices.EqualFunc(before, tt.points, func(a, b calc.RatePoint) bool { return a.Date == b.Date && a.Rate.Equal(b.Rate) }) {
				t.Error("ScenarioTimeline changed its argument")
			}
		})
	}
}

func TestRecordTimelineMerging(t *testing.T) {
	const header = "country,effective_date,rate_percent,confidence,source\n"
	tests := []struct {
		name     string
		rows     string
		from, to string
		want     []calc.RateSegment
	}{
		{"RepeatedRateMerged", "RU,2025-01-01,10,a,s\nRU,2025-02-01,10.0,a,s\nRU,2025-03-01,11,a,s\n", "2025-01-01", "2025-04-01", []calc.RateSegment{
			seg("2025-01-01", "2025-03-01", "10", false),
			seg("2025-03-01", "2025-04-01", "11", false),
		}},
		{"GapsMerged", "RU,2025-01-01,10,a,s\nRU,2025-02-01,,GAP,s\nRU,2025-03-01,,GAP,s\n", "2025-01-01", "2025-04-01", []calc.RateSegment{
			seg("2025-01-01", "2025-02-01", "10", false),
			seg("2025-02-01", "2025-04-01", "10", true),
		}},
		{"GapThenSameRateNotMerged", "RU,2025-01-01,10,a,s\nRU,2025-02-01,,GAP,s\nRU,2025-03-01,10,a,s\n", "2025-01-01", "2025-04-01", []calc.RateSegment{
			seg("2025-01-01", "2025-02-01", "10", false),
			seg("2025-02-01", "2025-03-01", "10", true),
			seg("2025-03-01", "2025-04-01", "10", false),
		}},
		{"NoTrailingGapHolds", "RU,2025-01-01,10,a,s\n", "2025-01-01", "2030-01-01", []calc.RateSegment{
			seg("2025-01-01", "2030-01-01", "10", false),
		}},
		{"RowsInAnyOrder", "RU,2025-03-01,,GAP,s\nRU,2025-01-01,10,a,s\n", "2024-12-01", "2025-04-01", []calc.RateSegment{
			seg("2024-12-01", "2025-01-01", "10", true),
			seg("2025-01-01", "2025-03-01", "10", false),
			seg("2025-03-01", "2025-04-01", "10", true),
		}},
		{"OnlyGaps", "RU,2025-01-01,,GAP,s\nRU,2025-03-01,,GAP,s\n", "2025-01-01", "2025-04-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := parseBook(t, header+tt.rows).Timeline("RU")
			from, to := calc.MustDate(tt.from), calc.MustDate(tt.to)
			got := tl.Segments(from, to)
			equalSegments(t, got, tt.want)
			if tt.want == nil {
				if !tl.Empty() {
					t.Error("Empty() = false for a record of gaps only")
				}
				if _, _, ok := tl.At(from); ok {
					t.Error("At: ok for an empty timeline")
				}
			}
		})
	}
}

func TestParseRateBook(t *testing.T) {
	// Columns in another order, an extra column, a byte order mark, CRLF,
	// lower-case country, spaces, repeated sources and no checked column.
	text := "\ufeffsource, Effective_Date ,note,country,confidence,rate_percent,decision_date\r\n" +
		"https://a.example; https://b.example;;https://a.example,2024-08-27,x,kg,official, 9.00 ,2024-08-27\r\n" +
		"\"note, with comma\",2025-01-01,,KG,GAP,,\r\n"
	b := parseBook(t, text)
	rows := b.Rows("KG")
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	r := rows[0]
	if r.Country != "KG" || r.Effective != calc.MustDate("2024-08-27") || r.Rate == nil || r.Rate.String() != "9" ||
		r.Decision == nil || *r.Decision != calc.MustDate("2024-08-27") || r.Confidence != "official" || r.Checked != nil {
		t.Errorf("row 0 = %+v", r)
	}
	if want := []string{"https://a.example", "https://b.example"}; !slices.Equal(r.Sources, want) {
		t.Errorf("sources = %q, want %q", r.Sources, want)
	}
	if r := rows[1]; r.Rate != nil || r.Decision != nil || !slices.Equal(r.Sources, []string{"note, with comma"}) {
		t.Errorf("row 1 = %+v", r)
	}
	if got := b.Countries(); !slices.Equal(got, []string{"KG"}) {
		t.Errorf("Countries() = %v", got)
	}
}

func TestParseRateBookErrors(t *testing.T) {
	const header = "country,effective_date,rate_percent,decision_date,confidence,source,checked\n"
	const ok = "RU,2024-01-01,16.00,2023-12-15,official,https://cbr.ru,2026-11-23\n"
	tests := []struct {
		name string
		text string
		want []string // substrings of the error, in order
	}{
		{"ErrRateNotNumber", header + ok + "RU,2024-07-29,\"18,5\",,official,s,\n", []string{"line 3, column rate_percent: \"18,5\" is not a number"}},
		{"ErrRateAbove100", header + "RU,2024-01-01,100.01,,a,s,\n", []string{"line 2, column rate_percent: 100.01 is outside 0..100"}},
		{"ErrRateNegative", header + "RU,2024-01-01,-1,,a,s,\n", []string{"line 2, column rate_percent: -1 is outside 0..100"}},
		{"ErrEffectiveDate", header + "RU,2024-02-30,16,,a,s,\n", []string{"line 2, column effective_date: \"2024-02-30\" is not a date"}},
		{"ErrDecisionDate", header + "RU,2024-01-01,16,15.12.2023,a,s,\n", []string{"line 2, column decision_date: \"15.12.2023\""}},
		{"ErrCheckedDate", header + "RU,2024-01-01,16,,a,s,yesterday\n", []string{"line 2, column checked: \"yesterday\""}},
		{"ErrUnknownCountry", header + ok + "US,2024-01-01,5.25,,a,s,\n", []string{"line 3, column country: \"US\" is not a member state"}},
		{"ErrEmptyCountry", header + ",2024-01-01,5.25,,a,s,\n", []string{"line 2, column country"}},
		{"ErrDuplicate", header + ok + "RU,2024-07-29,18,,a,s,\n" + ok, []string{"line 4, column effective_date: RU 2024-01-01 repeats line 2"}},
		{"ErrFieldCount", header + "RU,2024-01-01,16\n", []string{"line 2: the row has 3 fields, the header 7"}},
		{"ErrMissingColumn", "country,effective_date,confidence,source\n" + "RU,2024-01-01,a,s\n", []string{"line 1, column rate_percent: the header has no such column"}},
		{"ErrDuplicateColumn", "country,effective_date,rate_percent,rate_percent,confidence,source\n", []string{"line 1, column rate_percent: the column appears twice"}},
		{"ErrBrokenCSV", header + ok + "RU,2024-07-29,\"18,,a,s,\nRU,2024-09-16,19,,a,s,\n", []string{"line 4, column 24: malformed CSV: extraneous or missing \" in quoted-field (the record starts on line 3)"}},
		{"ErrBareQuote", header + "RU,2024-01-01,1\"6,,a,s,\n", []string{"line 2, column 16: malformed CSV: bare \" in non-quoted-field"}},
		{"ErrEmptyFile", "", []string{"line 1: the file is empty"}},
		{"ErrNoRows", header, []string{"line 2: the file has a header but no rows"}},
		{"ErrSeveral", header + "RU,2024-01-01,x,,a,s,\nXX,2024-01-01,1,,a,s,\n", []string{
			"line 2, column rate_percent", "line 3, column country",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := calc.ParseRateBook(strings.NewReader(tt.text))
			if err == nil {
				t.Fatalf("no error; book has %v", b.Countries())
			}
			if b != nil {
				t.Error("a book returned with the error")
			}
			var e *calc.Error
			if !errors.As(err, &e) || e.Kind != calc.Invalid || len(e.Fields) == 0 {
				t.Fatalf("error %#v, want *calc.Error of kind Invalid with fields", err)
			}
			for _, f := range e.Fields {
				if f.En == "" || f.Ru == "" {
					t.Errorf("field %q lacks a message: %+v", f.Field, f)
				}
			}
			msg := err.Error()
			if len(e.Fields) != len(tt.want) {
				t.Errorf("%d problems, want %d: %s", len(e.Fields), len(tt.want), msg)
			}
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error %q does not contain %q (in order)", msg, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestParseRateBookReadError(t *testing.T) {
	_, err := calc.ParseRateBook(failingReader{})
	var e *calc.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "cannot read the file: disk on fire") {
		t.Errorf("err = %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestTimelineAllocations(t *testing.T) {
	b := calc.DefaultRateBook()
	from, to := calc.MustDate("2023-01-15"), calc.MustDate("2028-01-15")
	if n := testing.AllocsPerRun(100, func() { b.Timeline("RU") }); n != 0 {
		t.Errorf("Timeline: %v allocations, want 0", n)
	}
	tl := b.Timeline("RU")
	if n := testing.AllocsPerRun(100, func() { tl.Segments(from, to) }); n != 1 {
		t.Errorf("Segments: %v allocations, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { tl.At(from) }); n != 0 {
		t.Errorf("At: %v allocations, want 0", n)
	}
}

func BenchmarkTimelineSegments(b *testing.B) {
	tl := calc.DefaultRateBook().Timeline("RU")
	from, to := calc.MustDate("2023-01-15"), calc.MustDate("2028-01-15")
	b.ReportAllocs()
	for b.Loop() {
		tl.Segments(from, to)
	}
}

// The Armenian record has a gap from 2023-08-02 to 2023-09-13: the last
// known rate, 10.50 %, is held across it and marked assumed.
func ExampleTimeline_Segments() {
	am := calc.DefaultRateBook().Timeline("AM")
	for _, s := range am.Segments(calc.MustDate("2023-07-01"), calc.MustDate("2023-10-01")) {
		fmt.Println(s.Start, s.End, s.Rate, s.Assumed)
	}
	// Output:
	// 2023-07-01 2023-08-02 10.5 false
	// 2023-08-02 2023-09-13 10.5 true
	// 2023-09-13 2023-10-01 9.75 false
}

// A scenario holds its last rate on without end; before its first point
// the first rate is assumed.
func ExampleScenarioTimeline() {
	tl := calc.ScenarioTimeline([]calc.RatePoint{
		{Date: calc.MustDate("2026-06-01"), Rate: decimal.RequireFromString("13")},
		{Date: calc.MustDate("2026-01-01"), Rate: decimal.RequireFromString("15")},
	})
	for _, day := range []string{"2025-12-31", "2026-03-01", "2030-01-01"} {
		rate, assumed, _ := tl.At(calc.MustDate(day))
		fmt.Println(day, rate, assumed)
	}
	// Output:
	// 2025-12-31 15 true
	// 2026-03-01 15 false
	// 2030-01-01 13 false
}
