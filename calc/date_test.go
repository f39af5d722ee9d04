package calc_test

import (
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestDateString holds Date.String to the time package's own formatting
// over every day of a few centuries, and the Sprintf fallback outside
// four-digit years.
func TestDateString(t *testing.T) {
	for tm := time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC); tm.Year() < 2101; tm = tm.AddDate(0, 0, 1) {
		if got, want := calc.FromTime(tm).String(), tm.Format(time.DateOnly); got != want {
			t.Fatalf("%v: String() = %q, want %q", tm, got, want)
		}
	}
	for _, c := range []struct {
		tm   time.Time
		want string
	}{
		{time.Date(999, 3, 4, 0, 0, 0, 0, time.UTC), "0999-03-04"},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), "9999-12-31"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "10000-01-01"},
		{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), "-001-01-01"},
	} {
		if got := calc.FromTime(c.tm).String(); got != c.want {
			t.Errorf("%v: String() = %q, want %q", c.tm, got, c.want)
		}
	}
}

// TestCivil holds Date.Civil to the time package from year -3000 to 12000
// (every 13th day, crossing every era boundary) and round-trips FromTime.
func TestCivil(t *testing.T) {
	for tm := time.Date(-3000, 1, 1, 0, 0, 0, 0, time.UTC); tm.Year() < 12000; tm = tm.AddDate(0, 0, 13) {
		y, m, d := calc.FromTime(tm).Civil()
		if y != tm.Year() || m != tm.Month() || d != tm.Day() {
			t.Fatalf("%v: Civil() = %d-%d-%d", tm, y, m, d)
		}
	}
}
