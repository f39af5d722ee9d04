package xlsxfloor

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestRun runs the floor on a real input when SUBSIDY_FLOOR_INPUT and
// SUBSIDY_FLOOR_OUTPUT name the files, for /usr/bin/time to measure:
//
//	go test -c -o /tmp/xf.test ./batch/internal/xlsxfloor
//	SUBSIDY_FLOOR_INPUT=/tmp/loans-100k.xlsx SUBSIDY_FLOOR_OUTPUT=/tmp/f.xlsx \
//	    /usr/bin/time -v /tmp/xf.test -test.run TestRun
func TestRun(t *testing.T) {
	in, out := os.Getenv("SUBSIDY_FLOOR_INPUT"), os.Getenv("SUBSIDY_FLOOR_OUTPUT")
	if in == "" || out == "" {
		t.Skip("SUBSIDY_FLOOR_INPUT and SUBSIDY_FLOOR_OUTPUT are not set")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	n, err := Run(in, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows", n)
}

// TestShape checks the floor on a small input: one row per loan, numbers
// as numbers, the report's 29 columns.
func TestShape(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.xlsx")
	f := excelize.NewFile()
	for i, v := range [][]any{
		{"Loan reference (id)", "Project (project)", "Participants (participants)", "Loan amount (amount)", "Rate, % a year (rate)", "Term, months (term_months)"},
		{"L1", "P1", "RU:100", 1000.5, 20.5, 60},
		{"L2", "P2", "BY:100", 2000, 18, 36},
	} {
		if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	outPath := filepath.Join(dir, "out.xlsx")
	o, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Run(in, o)
	o.Close()
	if err != nil || n != 2 {
		t.Fatalf("Run = %d, %v; want 2 rows", n, err)
	}
	g, err := excelize.OpenFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, err := g.GetRows("Projects", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[1]) != columns {
		t.Fatalf("got %d rows of %d cells; want 3 of %d", len(rows), len(rows[1]), columns)
	}
	if rows[1][1] != "L1" || rows[2][7] != "2000" || rows[1][10] != "60" || rows[1][columns-1] != "RU:100" {
		t.Errorf("row 2 = %q, row 3 = %q", rows[1], rows[2])
	}
	if typ, _ := g.GetCellType("Projects", "H2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("H2 type %v; want a number", typ)
	}
}
