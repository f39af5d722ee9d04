package report

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// The Projects records come back from their file as they went in, field
// by field: a computed loan with years, a rejected one with nothing but
// texts, and extremes of every kind of field.
func TestRecordFileRoundTrip(t *testing.T) {
	recs := []projectRec{
		{row: 2, term: 60, issue: calc.MustDate("2025-03-14"), status: StatusOK, hasRate: true,
			id: "L000001", project: "Проект 1", programme: "eaeu-industrial", currency: "RUB",
			amount: 4863659019.71, rate: 0.198, grant: 0.234701, effWithout: 0.216856, effWith: 0.092692,
			interest: 283888698287, subsidy: 201386394833, paid: 156975434713, payable: 156975434713,
			borrower: 126913263574, pv: 114150675133,
			years: []yearPaid{{2025, 35000000000}, {2026, 35000000000}, {2030, 1464281014}}},
		{row: 3, status: StatusRejected, id: "", project: "", note: strings.Repeat("причина; ", 500)},
		{row: 1 << 20, term: -1, issue: -719528, status: StatusIneligible, id: "x", note: "Ставка: 25,30 %",
			amount: math.MaxFloat64, rate: math.Copysign(0, -1), grant: math.SmallestNonzeroFloat64, effWithout: math.Inf(1),
			interest: math.MaxInt64, subsidy: math.MinInt64, paid: -1},
	}
	rf, err := newRecordFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rf.close()
	for i := range recs {
		if err := rf.add(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	r, err := rf.records()
	if err != nil {
		t.Fatal(err)
	}
	var got projectRec
	for i, want := range recs {
		if !r.next(&got) {
			t.Fatalf("record %d: none (%v)", i, r.err)
		}
		g := got
		if len(g.years) == 0 {
			g.years = nil
		}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, g, want)
		}
	}
	if r.next(&got) || r.err != nil {
		t.Errorf("a record after the last, or an error: %v", r.err)
	}
}

// A file cut short gives an error, not records of zeros.
func TestRecordFileTruncated(t *testing.T) {
	rf, err := newRecordFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rf.close()
	p := projectRec{row: 2, id: "L1", note: "note", years: []yearPaid{{2025, 1}}}
	if err := rf.add(&p); err != nil {
		t.Fatal(err)
	}
	if err := rf.w.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := rf.f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := rf.f.Truncate(fi.Size() - 3); err != nil {
		t.Fatal(err)
	}
	r, err := rf.records()
	if err != nil {
		t.Fatal(err)
	}
	var got projectRec
	if r.next(&got) || r.err == nil {
		t.Errorf("next on a truncated file = true, err %v; want false and an error", r.err)
	}
}
