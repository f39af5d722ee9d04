package calc_test

import (
	"math/rand/v2"
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

// TestPaymentDatesMatchTimePackage holds the month walk of the payment
// dates to the time package: the k-th date is k × step months after the
// issue date, on the issue day or the month's last day when it is
// shorter.
func TestPaymentDatesMatchTimePackage(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	issues := []calc.Date{calc.MustDate("2024-01-31"), calc.MustDate("2023-12-31"), calc.MustDate("2024-02-29"),
		calc.MustDate("1899-11-30"), calc.MustDate("2099-08-31"), calc.MustDate("2025-03-14")}
	for range 400 {
		issues = append(issues, calc.Date(rng.IntN(200*365)-70*365))
	}
	for i, issue := range issues {
		step := []int{1, 3, 6, 12}[i%4]
		n := 1 + rng.IntN(600/step)
		dates, years := calc.PaymentDates(issue, step, n)
		if len(dates) != n+1 || dates[0] != issue {
			t.Fatalf("issue %s: %d dates starting %s", issue, len(dates), dates[0])
		}
		iy, im, id := issue.Civil()
		for k := 1; k <= n; k++ {
			first := time.Date(iy, im+time.Month(k*step), 1, 0, 0, 0, 0, time.UTC)
			last := first.AddDate(0, 1, -1).Day()
			want := calc.NewDate(first.Year(), first.Month(), min(id, last))
			if dates[k] != want || years[k] != first.Year() {
				t.Fatalf("issue %s, every %d months: date %d is %s (year %d), want %s", issue, step, k, dates[k], years[k], want)
			}
		}
	}
}
