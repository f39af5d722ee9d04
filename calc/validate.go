package calc

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Bounds that a real loan never leaves (issue 2, "What it must do").
var (
	maxAmount      = decimal.New(1_000_000_000_000_000, 0) // 10^15 in the loan currency; exponent 0 keeps decCmp on int64
	maxAmountMinor = int64(1e15 * 100)                     // maxAmount in minor units (scaledOK)
	hundred        = decimal.NewFromInt(100)
	minDate        = NewDate(1990, 1, 1)
	maxDate        = NewDate(2100, 12, 31)
	maxRateDigits  = int32(6) // decimal places of a rate
)

// Enumerations of the request.
const (
	RepayAnnuity        = "annuity"
	RepayEqualPrincipal = "equal_principal"
	RepayBullet         = "bullet"
)

var (
	repayments  = []string{RepayAnnuity, RepayEqualPrincipal, RepayBullet}
	frequencies = map[string]int{"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
	freqNames   = []string{"monthly", "quarterly", "semiannual", "annual"}
	dayCounts   = []string{DayCountActAct, DayCountAct365, DayCountAct360, DayCount30E360}
	fixings     = []string{FixDaily, FixPeriodStart, FixPaymentDate}
)

// Day count conventions (Loan.DayCount).
const (
	DayCountActAct = "act/act"
	DayCountAct365 = "act/365"
	DayCountAct360 = "act/360"
	DayCount30E360 = "30/360"
)

// sane rejects decimals whose exponent or size would make arithmetic on
// them expensive (a JSON "1e999999999" must not hang the server).
func sane(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -30 && e <= 30 && d.NumDigits() <= 38
}

// Validate checks req and returns an *[Error] of kind [Invalid] listing
// every problem, or nil. [Calculate] calls it first; call it alone to check
// a request without computing it.
func Validate(req *Request) error {
	_, err := newPlan(req, Options{})
	return err
}

type checker struct {
	problems
}

// decOK reports whether c.dec would accept v, without naming a field:
// loops over long lists build an entry's field path only when it is wrong.
func decOK(v decimal.Decimal, lo, hi decimal.Decimal, places int32, loIncl bool) bool {
	// The usual case, a short v from 0 to an integer bound, in int64.
	if e := v.Exponent(); e <= 0 && e >= -18 && lo.IsZero() && hi.Exponent() == 0 && hi.Sign() >= 0 && hi.NumDigits() <= 18 && v.NumDigits() <= 18 {
		c, p := v.CoefficientInt64(), pow10i64[-e]
		if c < 0 || c == 0 && !loIncl {
			return false
		}
		if h := hi.CoefficientInt64(); h <= math.MaxInt64/p && c > h*p {
			return false // (when h × 10^-e overflows, c < 10^18 is below it)
		}
		return places < 0 || -e <= places || c%pow10i64[-e-places] == 0
	}
	if !sane(v) {
		return false
	}
	if c := decCmp(v, lo); c < 0 || c == 0 && !loIncl {
		return false
	}
	return decCmp(v, hi) <= 0 && (places < 0 || v.Exponent() >= -places || v.Equal(v.Truncate(places)))
}

// scaledOK returns v × 10^places when v is a short positive value within
// a bound: v written with an exponent from -18 to 0 and at most 18 digits,
// v × 10^places a whole number from 1 to max. Then decOK(v, 0, max ×
// 10^-places, places, false) accepts v, and the result is v in units of
// 10^-places (minor units for an amount, millionths of a percent for a
// share). ok is false otherwise, also for some values decOK accepts
// (trailing zeros past 18 digits): the caller then checks them the usual
// way. It is the check and the conversion of a valid amount or share in
// one int64 pass: a third of what decOK and then the conversion cost, a
// tenth of the validation of the usual request.
func scaledOK(v decimal.Decimal, places int32, max int64) (scaled int64, ok bool) {
	e := v.Exponent()
	if e > 0 || e < -18 || v.NumDigits() > 18 {
		return 0, false
	}
	c := v.CoefficientInt64()
	if s := e + places; s >= 0 {
		p := pow10i64[s]
		if c > max/p {
			return 0, false
		}
		c *= p
	} else {
		p := pow10i64[-s]
		if c%p != 0 {
			return 0, false // more than places decimals
		}
		c /= p
	}
	return c, c > 0 && c <= max
}

// dateOK reports whether c.date would accept d.
func dateOK(d Date) bool { return d >= minDate && d <= maxDate }

func (c *checker) dec(field string, v decimal.Decimal, lo, hi decimal.Decimal, places int32, loIncl bool) bool {
	if decOK(v, lo, hi, places, loIncl) {
		return true // the usual case, in int64 (decOK); below, what is wrong
	}
	if !sane(v) {
		c.add(field, Text{Ru: "число вне допустимого диапазона", En: "number out of range"})
		return false
	}
	if loIncl && decCmp(v, lo) < 0 {
		c.add(field, Text{Ru: "должно быть не меньше %s", En: "must be at least %s"}, lo.String())
		return false
	}
	if !loIncl && decCmp(v, lo) <= 0 {
		c.add(field, Text{Ru: "должно быть больше %s", En: "must be greater than %s"}, lo.String())
		return false
	}
	if decCmp(v, hi) > 0 {
		c.add(field, Text{Ru: "должно быть не больше %s", En: "must be at most %s"}, hi.String())
		return false
	}
	if places >= 0 && v.Exponent() < -places && !v.Equal(v.Truncate(places)) {
		c.add(field, Text{
			Ru: "не более %d знаков после запятой",
			En: "at most %d decimal places",
		}, places)
		return false
	}
	return true
}

func (c *checker) date(field string, d Date) bool {
	if d < minDate || d > maxDate {
		if d == 0 {
			c.add(field, Text{Ru: "обязательное поле (ГГГГ-ММ-ДД)", En: "required (YYYY-MM-DD)"})
		} else {
			c.add(field, Text{
				Ru: "должна быть между 01.01.1990 и 31.12.2100",
				En: "must be between 1990-01-01 and 2100-12-31",
			})
		}
		return false
	}
	return true
}

func (c *checker) enum(field, v string, allowed []string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	all := strings.Join(allowed, ", ")
	if v == "" {
		c.add(field, Text{
			Ru: "обязательное поле; допустимые значения: %s",
			En: "required; one of: %s",
		}, all)
	} else {
		c.add(field, Text{
			Ru: "неизвестное значение %q; допустимые: %s",
			En: "unknown value %q; allowed: %s",
		}, v, all)
	}
	return false
}

// shares checks a list of percentage shares adding up to 100.
func (c *checker) sharesSum(field string, sum decimal.Decimal) {
	c.add(field, Text{
		Ru: "сумма долей %s, должна быть 100",
		En: "shares add up to %s, must add up to 100",
	}, sum.String())
}

// ratePath checks a list of dated rates: each date valid, within [lo, hi]
// and given once, each rate 0 to 100 percent. Linear in the list: points in
// increasing date order (the usual case) need no index of the dates seen,
// and an entry's field path is built only when the entry is wrong.
func (c *checker) ratePath(field string, pts []RatePoint, lo, hi Date) {
	var seen map[Date]bool // from the first point out of order on
	for i, p := range pts {
		dup := false
		if seen == nil && i > 0 && p.Date <= pts[i-1].Date {
			seen = make(map[Date]bool, len(pts))
			for _, q := range pts[:i] {
				seen[q.Date] = true
			}
		}
		if seen != nil {
			dup = seen[p.Date]
			seen[p.Date] = true
		}
		if dateOK(p.Date) && p.Date >= lo && p.Date <= hi && !dup && decOK(p.Rate, decimal.Zero, hundred, maxRateDigits, true) {
			continue
		}
		f := field + "[" + strconv.Itoa(i) + "]"
		if c.date(f+".date", p.Date) {
			if p.Date < lo || p.Date > hi {
				c.add(f+".date", Text{Ru: "должна быть между %s и %s", En: "must be between %s and %s"}, lo, hi)
			}
			if dup {
				c.add(f+".date", Text{Ru: "дата %s повторяется", En: "duplicate date %s"}, p.Date)
			}
		}
		c.dec(f+".rate", p.Rate, decimal.Zero, hundred, maxRateDigits, true)
	}
}

// shares checks a list of n countries' percentage shares, at(i) giving
// entry i: each country a member state, each share above 0 and at most 100
// with at most 6 decimals, and, when every entry is valid, the shares
// adding up to 100. An entry's field path is built only when it is wrong.
// Valid shares are summed in millionths of a percent (int64: at most
// 16 × 10^8), so the usual request makes no decimal sum.
func (c *checker) shares(field string, n int, at func(i int) (country string, share decimal.Decimal), scaled []uint64) {
	var sum int64
	ok := true
	for i := range n {
		country, share := at(i)
		if slices.Contains(MemberStates, country) {
			m, fits := scaledOK(share, 6, 100_000_000) // the usual case: no field path to build
			if !fits && decOK(share, decimal.Zero, hundred, 6, false) {
				m, fits = micros(share), true // a long form: "40.000000000000000000000"
			}
			if fits {
				sum += m
				if i < len(scaled) {
					scaled[i] = uint64(m)
				}
				continue
			}
		}
		f := field + "[" + strconv.Itoa(i) + "]"
		if !c.enum(f+".country", country, MemberStates) {
			ok = false
		}
		if c.dec(f+".share", share, decimal.Zero, hundred, 6, false) {
			sum += micros(share)
		} else {
			ok = false
		}
	}
	if ok && sum != 100_000_000 {
		c.sharesSum(field, decimal.New(sum, -6))
	}
}

// micros returns d × 10^6 for a d that decOK(d, 0, 100, 6, …) accepted:
// a whole number of millionths from 0 to 10^8.
func micros(d decimal.Decimal) int64 {
	if d.NumDigits() > 18 { // "40.000000000000000000000": trailing zeros past int64
		return d.Shift(6).IntPart()
	}
	c, e := d.CoefficientInt64(), d.Exponent()
	for ; e < -6; e++ {
		c /= 10 // trailing zeros: exact
	}
	for ; e > -6; e-- {
		c *= 10
	}
	return c
}
