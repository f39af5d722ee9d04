package calc_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestGoldenPresets holds the presets of SPEC §9 (kz-baiterek, am-points,
// ru-kip, with steps and a floor that moves with the policy rate) to the
// schedules testdata/golden/presets/presets.py computes from SPEC's words
// in exact fractions, and to its eligibility and payable total.
func TestGoldenPresets(t *testing.T) {
	dir := filepath.Join(goldenDir, "presets")
	cases, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	n := 0
	for _, path := range cases {
		if strings.HasSuffix(path, ".summary.json") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			req := loadRequest(t, path)
			want := readCSV(t, strings.TrimSuffix(path, ".json")+".csv")
			var sum struct {
				Eligible       bool   `json:"eligible"`
				SubsidyPayable string `json:"subsidy_payable"`
			}
			b, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".summary.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &sum); err != nil {
				t.Fatal(err)
			}
			res, err := calc.Calculate(req, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(want)-1 != len(res.Schedule) {
				t.Fatalf("%d periods, want %d", len(res.Schedule), len(want)-1)
			}
			bad := 0
			for i, p := range res.Schedule {
				got := goldenRow(p)
				for j := range got {
					if got[j] != want[i+1][j] {
						bad++
						if bad <= 10 {
							t.Errorf("period %d %s = %s, want %s", p.N, goldenHeader[j], got[j], want[i+1][j])
						}
					}
				}
			}
			if res.Eligible != sum.Eligible {
				t.Errorf("eligible %v, want %v (checks %+v)", res.Eligible, sum.Eligible, res.Checks)
			}
			if got := res.Totals.SubsidyPayable.String(); got != sum.SubsidyPayable {
				t.Errorf("payable %s, want %s", got, sum.SubsidyPayable)
			}
		})
	}
	if n < 6 {
		t.Fatalf("%d preset cases, want at least 6", n)
	}
}
