package floor

import "math"

// annuityPayment returns P × i / (1 − (1 + i)^−m) with i = rate / 100 / 12,
// rounded half up to the minor unit, computed as the engine does in
// double-double arithmetic (two float64s, about 32 significant digits,
// where a payment needs 20), so that it is exact to the minor unit.
func annuityPayment(balance, rate int64, m int) int64 {
	if rate == 0 {
		return (2*balance + int64(m)) / (2 * int64(m))
	}
	i := ddDiv(ddFromInt(rate), ddFromInt(100*RateScale*12))
	q := dd{1, 0}
	x := ddAdd(q, i)
	for n := m; n > 0; n >>= 1 { // q = (1+i)^m
		if n&1 == 1 {
			q = ddMul(q, x)
		}
		if n > 1 {
			x = ddMul(x, x)
		}
	}
	pay := ddDiv(ddMul(ddMul(ddFromInt(balance), i), q), ddAdd(q, dd{-1, 0}))
	return ddFloor(ddAdd(pay, dd{0.5, 0}))
}

// dd is a double-double number hi + lo (Dekker; Hida, Li and Bailey).
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return
}

func ddFromInt(v int64) dd {
	hi := float64(v)
	return dd{hi, float64(v - int64(hi))}
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	s, e = quickTwoSum(s, e)
	e += f
	s, e = quickTwoSum(s, e)
	return dd{s, e}
}

func ddMul(x, y dd) dd {
	p := x.hi * y.hi
	e := math.FMA(x.hi, y.hi, -p)
	e += x.hi*y.lo + x.lo*y.hi
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

func ddMulF(x dd, f float64) dd {
	p := x.hi * f
	e := math.FMA(x.hi, f, -p)
	e += x.lo * f
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

func ddDiv(x, y dd) dd {
	q1 := x.hi / y.hi
	r := ddAdd(x, ddMulF(y, -q1))
	q2 := r.hi / y.hi
	r = ddAdd(r, ddMulF(y, -q2))
	q3 := r.hi / y.hi
	q1, q2 = quickTwoSum(q1, q2)
	return ddAdd(dd{q1, q2}, dd{q3, 0})
}

// ddFloor returns ⌊x⌋ for 0 ≤ x < 2^63.
func ddFloor(x dd) int64 {
	f := math.Floor(x.hi)
	if f != x.hi {
		return int64(f)
	}
	return int64(f) + int64(math.Floor(x.lo))
}
