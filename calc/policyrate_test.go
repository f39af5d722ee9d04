package calc

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestBaseValFollowsTheSegments: baseVal gives newRateVal of the segment's
// rate, from the timeline's conversion when the segments are the
// timeline's and by converting when a plan's segments were replaced (a
// scenario's plan copies the plan and swaps its segments, scenario.go).
func TestBaseValFollowsTheSegments(t *testing.T) {
	pt := func(y int, m time.Month, r string) RatePoint {
		return RatePoint{Date: NewDate(y, m, 1), Rate: decimal.RequireFromString(r)}
	}
	own := ScenarioTimeline([]RatePoint{pt(2024, 1, "16"), pt(2024, 7, "18.25"), pt(2025, 1, "0.000000001")})
	other := ScenarioTimeline([]RatePoint{pt(2024, 1, "7.5"), pt(2024, 7, "21"), pt(2025, 1, "100")})
	from, to := NewDate(2024, 3, 1), NewDate(2025, 3, 1)
	p := &plan{}
	p.baseSegs, p.basePts = own.segments(from, to, nil)
	swapped := other.Segments(from, to)
	if len(p.baseSegs) != 3 || len(swapped) != 3 {
		t.Fatalf("got %d and %d segments, want 3", len(p.baseSegs), len(swapped))
	}
	for round, segs := range [][]RateSegment{p.baseSegs, swapped, swapped[1:]} {
		p.baseSegs = segs
		for i, s := range segs {
			got, want := p.baseVal(i), newRateVal(s.Rate)
			if !got.d.Equal(want.d) || got.i != want.i || got.ok != want.ok {
				t.Errorf("round %d, segment %d (%s): baseVal %v, want %v", round, i, s.Rate, got, want)
			}
		}
	}
}
