package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestBatchScenariosFlag: subsidy batch --scenarios adds the scenarios
// sheet and says each scenario's total; an unknown name is a usage error
// naming the flag.
func TestBatchScenariosFlag(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	input := filepath.Join(dir, "loans.xlsx") // the template's example row
	if err := runTemplate(ctx, []string{"-o", input, "--lang", "en"}, &stdout, &stderr); err != nil {
		t.Fatalf("template: %v %s", err, stderr.String())
	}
	out := filepath.Join(dir, "report.xlsx")
	stderr.Reset()
	if err := runBatch(ctx, []string{input, "-o", out, "--lang", "en", "-q", "--scenarios", "low,base,high"}, &stdout, &stderr); err != nil {
		t.Fatalf("batch: %v %s", err, stderr.String())
	}
	for _, n := range []string{"low", "base", "high"} {
		if !strings.Contains(stderr.String(), "scenario "+n+": ") {
			t.Errorf("no total for %s: %q", n, stderr.String())
		}
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Summary|Projects|Policy-rate scenarios|Errors" {
		t.Errorf("report sheets %s", got)
	}
	stderr.Reset()
	err = runBatch(ctx, []string{input, "-o", filepath.Join(dir, "x.xlsx"), "--scenarios", "low,doom"}, &stdout, &stderr)
	var code exitCode
	if !errors.As(err, &code) || code != 2 || !strings.Contains(stderr.String(), "--scenarios") {
		t.Errorf("unknown scenario: %v %q", err, stderr.String())
	}
}
