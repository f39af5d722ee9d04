package calc

import (
	"fmt"
	"time"
)

// Date is a civil calendar day (no time zone), stored as the number of days
// since 1970-01-01 in the proleptic Gregorian calendar. The zero Date is
// 1970-01-01; optional dates in requests are *Date.
type Date int32

// NewDate returns the date y-m-d. Out-of-range days and months are
// normalised as [time.Date] does (2025-02-30 becomes 2025-03-02); use
// [ParseDate] to reject them.
func NewDate(y int, m time.Month, d int) Date {
	if m < 1 || m > 12 || d < 1 || d > 28 {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		y, m, d = t.Date()
	}
	return Date(daysFromCivil(y, int(m), d))
}

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Civil returns the year, month and day of t.
func (t Date) Civil() (year int, month time.Month, day int) {
	z := int(t) + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	// Within an era every quantity is small and non-negative: unsigned
	// 32-bit divisions by constants are a multiply and a shift (encoders
	// call this for every date they write).
	doe := uint32(z - era*146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := int(yoe) + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := int(doy-(153*mp+2)/5) + 1
	m := int(mp) + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, time.Month(m), d
}

// Year returns the calendar year of t.
func (t Date) Year() int { y, _, _ := t.Civil(); return y }

// Time returns t at midnight UTC.
func (t Date) Time() time.Time {
	y, m, d := t.Civil()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// String formats t as ISO 8601, YYYY-MM-DD.
func (t Date) String() string {
	var buf [16]byte
	return string(t.AppendISO(buf[:0]))
}

// AppendISO appends t as String writes it, YYYY-MM-DD (years outside
// 0–9999 as fmt's %04d writes them).
func (t Date) AppendISO(b []byte) []byte {
	y, m, d := t.Civil()
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, int(m), d)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// MarshalJSON writes t as "YYYY-MM-DD".
func (t Date) MarshalJSON() ([]byte, error) { return []byte(`"` + t.String() + `"`), nil }

// UnmarshalJSON reads "YYYY-MM-DD".
func (t *Date) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("date must be a string YYYY-MM-DD")
	}
	d, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = d
	return nil
}

// ParseDate reads an ISO date "YYYY-MM-DD" and rejects days that do not
// exist (2025-02-29).
func ParseDate(s string) (Date, error) {
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	return FromTime(tm), nil
}

// MustDate is ParseDate for constants in tests and examples; it panics on a
// malformed date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FromTime returns the calendar day of tm in its own location.
func FromTime(tm time.Time) Date {
	y, m, d := tm.Date()
	return Date(daysFromCivil(y, int(m), d))
}

// isLeap reports whether y is a Gregorian leap year.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysInMonth returns the number of days of month m of year y.
func daysInMonth(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// AddMonths returns the date n months after t on the same day of the month,
// or on the month's last day when that day does not exist. Unlike
// [time.Time.AddDate], which turns 31 January + 1 month into 3 March, a
// month after 31 January is 28 (or 29) February, and a month after that is
// 28 (or 29) March; schedules therefore compute each payment date from the
// issue date (AddMonths(issue, k)), never from the previous payment date, so
// that 31 January, 28 February, 31 March hold.
func (t Date) AddMonths(n int) Date {
	y, m, d := t.Civil()
	mi := int(m) - 1 + n
	y += floorDiv(mi, 12)
	mi = mi - floorDiv(mi, 12)*12
	mm := time.Month(mi + 1)
	if dim := daysInMonth(y, mm); d > dim {
		d = dim
	}
	return Date(daysFromCivil(y, int(mm), d))
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// yearStart returns 1 January of year y.
func yearStart(y int) Date { return Date(daysFromCivil(y, 1, 1)) }
