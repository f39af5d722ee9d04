package calc_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestRunStagesIsCalculate: run to its last stage, RunStages gives
// Calculate's result, so counting its prefixes (TestRepeatStages)
// measures the real calculation's steps.
func TestRunStagesIsCalculate(t *testing.T) {
	for _, months := range []int{12, 120} {
		req := eaeuLoan(0)
		req.Loan.TermMonths = months
		want, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := new(calc.Result)
		if err := calc.RunStages(req, got, len(calc.Stages)); err != nil {
			t.Fatal(err)
		}
		if !sameResult(got, want) {
			t.Fatalf("%d months: RunStages differs from Calculate", months)
		}
	}
}

// TestRepeatStages runs the benchmark loan (COUNT_MONTHS months, default
// 120) COUNT_N times up to stage COUNT_STAGE of calc.Stages, into one
// Result, for `.ci/instructions stages`; without COUNT_N it does nothing.
func TestRepeatStages(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("COUNT_N"))
	if n == 0 {
		t.Skip("set COUNT_N, COUNT_STAGE and COUNT_MONTHS")
	}
	stage, _ := strconv.Atoi(os.Getenv("COUNT_STAGE"))
	req := eaeuLoan(0)
	if m, _ := strconv.Atoi(os.Getenv("COUNT_MONTHS")); m > 0 {
		req.Loan.TermMonths = m
	}
	res := new(calc.Result)
	for range n {
		if err := calc.RunStages(req, res, stage); err != nil {
			t.Fatal(err)
		}
	}
}
