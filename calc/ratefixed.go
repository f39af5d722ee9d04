package calc

import (
	"math"
	"math/bits"
	"reflect"

	"github.com/shopspring/decimal"
)

// fixedRule is [rateRule] in int64 fixed point: the same terms with every
// parameter scaled by 10^8 (the scale of [rateVal]), evaluated at 10^16 so
// that a product of two of them is exact. It gives the rule's result
// without allocating; the decimal rule costs a few allocations per
// evaluation, which a schedule with hundreds of rate changes and policy
// rates pays once per piece. Where an input does not fit (a parameter with
// more than 8 decimal places, a policy rate that is not a rateVal) the
// decimal rule is used: both give the same value, a property test holds
// them to it.
type fixedRule struct {
	term1, e, hasC, hasFloor, hasF bool
	a, b, c, floor, floorF         int64 // × 10^8
}

// rateRuleFields is the number of fields of rateRule that fixedRule
// mirrors. A rule that gains a term (a new field) runs on decimals until
// fixedRule learns it: TestFixedRuleKnowsEveryTerm says so.
const rateRuleFields = 12

var fixedRuleUsable = reflect.TypeFor[rateRule]().NumField() == rateRuleFields

// newFixedRule converts r, reporting false when a parameter does not fit
// or r has terms fixedRule does not know.
func newFixedRule(r rateRule) (fixedRule, bool) {
	if !fixedRuleUsable {
		return fixedRule{}, false
	}
	f := fixedRule{term1: r.term1, e: r.e, hasC: r.hasC, hasFloor: r.hasFloor, hasF: r.hasF}
	ok := true
	conv := func(d decimal.Decimal) int64 {
		v, fits := fixed8(d)
		ok = ok && fits
		return v
	}
	f.a, f.b, f.c, f.floor, f.floorF = conv(r.a), conv(r.b), conv(r.c), conv(r.floor), conv(r.floorF)
	return f, ok
}

// fixed8 returns d × 10^8 when it is an integer of at most 10^10 in
// magnitude: a parameter within ±100 with at most 8 decimal places (the
// validated ranges are 0..10, ±100, 0..1 and 0..100).
func fixed8(d decimal.Decimal) (int64, bool) {
	if d.IsZero() {
		return 0, true
	}
	e := d.Exponent()
	if e < -8 || e > 2 || d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64()
	if c > 1e10 || c < -1e10 {
		return 0, false
	}
	v := c * pow10i64[e+8]
	if v > 1e10 || v < -1e10 {
		return 0, false
	}
	return v, true
}

// mul62 returns x × y when its magnitude is below 2^62 (|x|, |y| ≤ 10^10).
func mul62(x, y int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(absI64(x)), uint64(absI64(y)))
	if hi != 0 || lo >= 1<<62 {
		return 0, false
	}
	if (x < 0) != (y < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// rate is rateRule.rate for a policy rate and a contract rate given as
// rateVals; ok is false when base is not exact in fixed point (the caller
// then uses the decimal rule).
//
//	max(0, min(a × base + b − e × loan, c × loan, loan − (f × base + floor)))
func (f *fixedRule) rate(base, loan rateVal) (v rateVal, ok bool) {
	if !base.ok || !loan.ok {
		return rateVal{}, false
	}
	// Every term is at rateScale²: parameters and rates are at most 10^10
	// in magnitude, so each term is below 2^62 + 2 × 10^18 < 2^63.
	const s = rateScale
	m := int64(math.MaxInt64)
	have := false
	if f.term1 {
		t, fits := mul62(f.a, base.i)
		if !fits {
			return rateVal{}, false
		}
		t += f.b * s
		if f.e {
			t -= loan.i * s
		}
		m, have = t, true
	}
	if f.hasC {
		t, fits := mul62(f.c, loan.i)
		if !fits {
			return rateVal{}, false
		}
		m, have = min(m, t), true
	}
	if f.hasFloor {
		t := (loan.i - f.floor) * s
		if f.hasF { // the borrower pays at least f × base + floor
			fb, fits := mul62(f.floorF, base.i)
			if !fits {
				return rateVal{}, false
			}
			t -= fb
		}
		m, have = min(m, t), true
	}
	switch {
	case !have || m <= 0:
		return rateVal{d: decimal.Zero, ok: true}, true
	case m == base.i*s: // the usual "the policy rate" or "the loan rate":
		return base, true // the input as it is, no new decimal
	case m == loan.i*s:
		return loan, true
	}
	// m × 10^-16 with trailing zeros dropped: the value the decimal rule
	// gives, in its shortest form.
	exp := int32(-16)
	for exp < 0 && m%10 == 0 {
		m /= 10
		exp++
	}
	return newRateVal(decimal.New(m, exp)), true
}

func absI64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
