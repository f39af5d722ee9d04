package batch_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/eaeu-subsidy/subsidy/batch"
)

// writeInputFlag writes a benchmark input and exits the test:
//
//	go test ./batch -run TestWriteBenchInput -args -write-input=/tmp/loans-10k.xlsx -rows=10000
//
// so that the command line can be measured on it (subsidy batch under
// /usr/bin/time -v, see README "Performance").
var (
	writeInputFlag = flag.String("write-input", "", "write a benchmark input file (.xlsx or .csv) and stop")
	rowsFlag       = flag.Int("rows", 10_000, "loans in the -write-input file")
)

func TestWriteBenchInput(t *testing.T) {
	if *writeInputFlag == "" {
		t.Skip("no -write-input")
	}
	ext := filepath.Ext(*writeInputFlag)
	p := writeInput(t, t.TempDir(), generate(*rowsFlag, 42, true), ext[1:], nil)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*writeInputFlag, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

var benchInputs sync.Map // size -> path

// benchInput returns an xlsx file of n uniform loans (60 monthly
// payments), made once per process.
func benchInput(b *testing.B, n int) string {
	if p, ok := benchInputs.Load(n); ok {
		return p.(string)
	}
	dir, err := os.MkdirTemp("", "subsidy-bench-")
	if err != nil {
		b.Fatal(err)
	}
	p := writeInput(b, dir, generate(n, 42, true), "xlsx", nil)
	benchInputs.Store(n, p)
	return p
}

// BenchmarkRun is upload to finished report: reading the workbook,
// computing every loan and writing the report (to a file). The targets
// are 10,000 loans in 5 s and 100,000 in 60 s on 2 cores.
//
//	go test ./batch -run '^$' -bench Run -benchmem -benchtime 1x
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("loans=%d", n), func(b *testing.B) {
			if n == 100_000 && testing.Short() {
				b.Skip("-short")
			}
			input := benchInput(b, n)
			b.ResetTimer()
			for b.Loop() {
				f, err := os.Create(filepath.Join(b.TempDir(), "report.xlsx"))
				if err != nil {
					b.Fatal(err)
				}
				o, err := batch.Run(context.Background(), input, batch.Config{Lang: "ru"}, f, nil)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				if o.Rows != n {
					b.Fatalf("%d rows", o.Rows)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "loans/s")
		})
	}
}

// BenchmarkRunBothLanguages is BenchmarkRun as the job manager runs it:
// the report in both languages at once, so the download can choose.
func BenchmarkRunBothLanguages(b *testing.B) {
	input := benchInput(b, 10_000)
	for b.Loop() {
		if _, err := batch.Run(context.Background(), input, batch.Config{Lang: "ru", Other: io.Discard}, io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(10_000*float64(b.N)/b.Elapsed().Seconds(), "loans/s")
}

// BenchmarkRunSchedules adds every schedule (60 rows a loan) to the report.
func BenchmarkRunSchedules(b *testing.B) {
	input := benchInput(b, 10_000)
	for b.Loop() {
		if _, err := batch.Run(context.Background(), input, batch.Config{Schedules: true}, io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunScenarios is BenchmarkRun of 10,000 loans with and without
// the three built-in scenarios: what the scenarios add to a batch.
//
//	go test ./batch -run '^$' -bench RunScenarios -benchtime 1x -count 3
func BenchmarkRunScenarios(b *testing.B) {
	input := benchInput(b, 10_000)
	for _, scen := range [][]string{nil, {"low", "base", "high"}} {
		b.Run(fmt.Sprintf("scenarios=%d", len(scen)), func(b *testing.B) {
			for b.Loop() {
				if _, err := batch.Run(context.Background(), input, batch.Config{Lang: "ru", Scenarios: scen}, io.Discard, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(10_000*float64(b.N)/b.Elapsed().Seconds(), "loans/s")
		})
	}
}
