package report_test

import (
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// BenchmarkBatchWriter records 10,000 computed loans (60 monthly payments;
// every other one ineligible, with its failed conditions as the note) and
// writes the report: the batch writer's share of a batch run, without
// reading or computing. live-B/loan is the heap the writer holds a loan
// until Finish (its record and texts; with the empty workbook's share).
//
//	go test ./report -run '^$' -bench BatchWriter -benchmem -count 5
func BenchmarkBatchWriter(b *testing.B) {
	const n = 10_000
	var loans [2]report.Loan
	var results [2]*calc.Result
	for i, req := range []*calc.Request{apiExample(), twoStates()} {
		res, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			b.Fatal(err)
		}
		loans[i] = report.Loan{Project: req.Project.Name, Request: req}
		results[i] = res
	}
	if !results[0].Eligible || results[1].Eligible {
		b.Fatal("want an eligible and an ineligible loan")
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("L%06d", i+1)
	}
	var live float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bw, err := report.NewBatchWriter(report.BatchOptions{Lang: "ru"})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			l := loans[i%2]
			l.Row, l.ID = i+2, ids[i]
			if err := bw.Computed(&l, results[i%2]); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		live = float64(after.HeapAlloc-before.HeapAlloc) / n
		if err := bw.Finish(io.Discard, report.BatchSummary{}); err != nil {
			b.Fatal(err)
		}
		bw.Close()
	}
	b.ReportMetric(live, "live-B/loan")
}
