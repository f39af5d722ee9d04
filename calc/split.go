package calc

import (
	"cmp"
	"math/big"
	"math/bits"
	"slices"
	"sort"

	"github.com/shopspring/decimal"
)

// SplitLargestRemainder splits total (minor units) into parts proportional
// to weights, by the largest-remainder method, so that the parts add up to
// total exactly (SPEC §4).
//
// The weights are non-negative decimals in any unit, such as percentage
// shares (85.265); they need not add up to 100, as each weight is divided
// by their sum. Part i is first total × weights[i] / Σ weights rounded
// toward zero to the minor unit; the minor units left over go one each to
// the parts with the largest remainders of that rounding, the earlier
// index first among equal remainders. Every part is therefore within one
// minor unit of its exact share, and a zero weight gets exactly 0. For
// example 1.00 split by 1, 1, 1 gives 0.34, 0.33, 0.33.
//
// A negative total is split as the negation of splitting -total. The
// arithmetic is exact: integers, no float, no decimal division. When
// weights is empty or all its weights are zero there is nothing to be
// proportional to: the result is all zeros, of the same length as weights,
// and does not add up to a non-zero total. A negative weight is a
// programming error (callers validate shares) and panics.
func SplitLargestRemainder(total Money, weights []decimal.Decimal) []Money {
	parts := make([]Money, len(weights))
	for _, w := range weights {
		if w.Sign() < 0 {
			panic("calc: SplitLargestRemainder: negative weight " + w.String())
		}
	}
	if total == 0 || len(weights) == 0 {
		return parts
	}
	// The magnitude of total as uint64: also right for math.MinInt64.
	mag := uint64(total)
	if total < 0 {
		mag = -mag
	}
	if !splitUint64(mag, weights, parts) {
		splitBig(mag, weights, parts)
	}
	if total < 0 {
		for i := range parts {
			parts[i] = -parts[i]
		}
	}
	return parts
}

// splitPow10 holds 10^0 .. 10^19, the powers of ten a uint64 holds.
var splitPow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// splitMinExponent returns the smallest exponent of the non-zero weights, the
// scale at which every weight is an integer, and false when all are zero.
func splitMinExponent(weights []decimal.Decimal) (int32, bool) {
	var e int32
	found := false
	for _, w := range weights {
		if w.IsZero() {
			continue
		}
		if !found || w.Exponent() < e {
			e, found = w.Exponent(), true
		}
	}
	return e, found
}

// splitScaled returns w × 10^(exponent of w − e) as a uint64, and false
// when it does not fit.
func splitScaled(w decimal.Decimal, e int32) (uint64, bool) {
	if w.IsZero() {
		return 0, true
	}
	if w.NumDigits() > 18 {
		return 0, false
	}
	shift := int(w.Exponent()) - int(e)
	if shift >= len(splitPow10) {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(w.CoefficientInt64()), splitPow10[shift])
	return lo, hi == 0
}

// splitUint64 is the split in 64-bit integers (128-bit products): the
// common case of a handful of shares with few decimals. It reports false,
// leaving parts untouched, when the scaled weights or their sum do not fit
// in a uint64.
func splitUint64(mag uint64, weights []decimal.Decimal, parts []Money) bool {
	e, ok := splitMinExponent(weights)
	if !ok {
		return true // all weights zero: parts stay zero
	}
	var sum uint64
	for _, w := range weights {
		v, ok := splitScaled(w, e)
		if !ok {
			return false
		}
		var carry uint64
		if sum, carry = bits.Add64(sum, v, 0); carry != 0 {
			return false
		}
	}
	var buf [16]uint64
	rems := buf[:0]
	if len(weights) > len(buf) {
		rems = make([]uint64, 0, len(weights))
	}
	var given uint64
	for i, w := range weights {
		v, _ := splitScaled(w, e)
		// mag × v / sum: v ≤ sum, so the quotient ≤ mag fits and Div64
		// cannot overflow (hi < sum).
		hi, lo := bits.Mul64(mag, v)
		q, r := bits.Div64(hi, lo, sum)
		parts[i] = Money(q)
		given += q
		rems = append(rems, r)
	}
	splitGiveLeftover(parts, mag-given, func(i, j int) int { return cmp.Compare(rems[j], rems[i]) })
	return true
}

// splitBig is the split in big integers, for weights with many digits or
// a sum beyond uint64.
func splitBig(mag uint64, weights []decimal.Decimal, parts []Money) {
	e, ok := splitMinExponent(weights)
	if !ok {
		return
	}
	scaled := make([]*big.Int, len(weights))
	sum := new(big.Int)
	ten := big.NewInt(10)
	for i, w := range weights {
		v := w.Coefficient()
		if shift := int64(w.Exponent()) - int64(e); shift > 0 && v.Sign() != 0 {
			v.Mul(v, new(big.Int).Exp(ten, big.NewInt(shift), nil))
		}
		scaled[i] = v
		sum.Add(sum, v)
	}
	m := new(big.Int).SetUint64(mag)
	rems := make([]*big.Int, len(weights))
	var given uint64
	for i, v := range scaled {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(m, v), sum, new(big.Int))
		parts[i] = Money(q.Uint64()) // q ≤ mag
		given += q.Uint64()
		rems[i] = r
	}
	splitGiveLeftover(parts, mag-given, func(i, j int) int { return rems[j].Cmp(rems[i]) })
}

// splitGiveLeftover adds one minor unit to each of the left parts that come
// first by byRem (larger remainder first), the earlier index first among
// equals. left is less than the number of parts with a non-zero remainder,
// so a zero weight never receives one.
func splitGiveLeftover(parts []Money, left uint64, byRem func(i, j int) int) {
	if left == 0 {
		return
	}
	var buf [16]int
	order := buf[:0]
	if len(parts) > len(buf) {
		order = make([]int, 0, len(parts))
	}
	for i := range parts {
		order = append(order, i)
	}
	slices.SortStableFunc(order, byRem)
	for _, i := range order[:left] {
		parts[i]++
	}
}

// splitter is SplitLargestRemainder prepared for one set of weights and
// many totals (every year of a loan): the weights are scaled to integers
// once, and into splits without allocating. Weights that do not fit the
// 64-bit path fall back to SplitLargestRemainder, so the parts are always
// the same as its.
type splitter struct {
	weights []decimal.Decimal
	w       []uint64
	rems    []uint64 // more than 16 weights: the remainders of a split
	sorted  []uint64 // more than 16 weights: the remainders, sorted
	sum     uint64
	fast    bool
}

// newSplitter prepares the split by weights, which it keeps. The scaled
// weights go in buf when it has room for them, else in new memory (buf
// nil: a splitter that outlives the caller). A caller's array on the
// stack saves an allocation per loan.
func newSplitter(weights []decimal.Decimal, buf []uint64) splitter {
	s := splitter{weights: weights}
	e, ok := splitMinExponent(weights)
	if !ok {
		return s // all zero (or none): SplitLargestRemainder gives zeros
	}
	if len(weights) <= len(buf) {
		s.w = buf[:len(weights)]
	} else {
		s.w = make([]uint64, len(weights))
	}
	for i, w := range weights {
		if w.Sign() < 0 {
			return s
		}
		v, ok := splitScaled(w, e)
		if !ok {
			return s
		}
		var carry uint64
		if s.sum, carry = bits.Add64(s.sum, v, 0); carry != 0 {
			return s
		}
		s.w[i] = v
	}
	s.fast = s.sum > 0
	if s.fast && len(weights) > 16 {
		s.rems, s.sorted = make([]uint64, len(weights)), make([]uint64, len(weights))
	}
	return s
}

// into writes the split of total into parts (len(parts) == len(weights)).
func (s *splitter) into(total Money, parts []Money) {
	if !s.fast || total < 0 {
		copy(parts, SplitLargestRemainder(total, s.weights))
		return
	}
	if len(s.w) > 16 {
		s.intoMany(uint64(total), parts)
		return
	}
	var buf [16]uint64
	rems := buf[:len(s.w)]
	left := splitFloors(uint64(total), s.w, s.sum, parts, rems)
	// Hand the leftover units to the largest remainders, the earlier
	// index first among equals, one round per unit: the largest remainder
	// (a branch-free max, then its first index) takes a unit and is set to
	// 0. The remainders add up to left × sum and each is below sum, so
	// more than left of them are above 0: the largest is always above 0,
	// never a part already served nor a zero weight (remainder 0). Over
	// at most 16 parts this beats sorting, and it costs half of what
	// scanning with "taken" flags did.
	for ; left > 0; left-- {
		var top uint64
		for _, r := range rems {
			top = max(top, r)
		}
		best := slices.Index(rems, top)
		rems[best] = 0
		parts[best]++
	}
}

// intoMany is into for more than 16 weights: the left largest remainders,
// the earlier index first among equals, as splitGiveLeftover gives them.
// The left-th largest remainder is the threshold: every part above it
// gets a unit, and parts equal to it in index order take the rest.
func (s *splitter) intoMany(mag uint64, parts []Money) {
	rems := s.rems
	left := splitFloors(mag, s.w, s.sum, parts, rems)
	if left == 0 {
		return
	}
	copy(s.sorted, rems)
	slices.Sort(s.sorted)
	th := s.sorted[len(s.sorted)-int(left)]
	above := uint64(len(s.sorted)) - uint64(sort.Search(len(s.sorted), func(i int) bool { return s.sorted[i] > th }))
	atTh := left - above
	for i, r := range rems {
		if r > th {
			parts[i]++
		} else if r == th && atTh > 0 {
			parts[i]++
			atTh--
		}
	}
}

// splitFloors writes mag × w[i] / sum rounded down into parts and the
// remainders of those divisions into rems (both of len(w)), and returns the
// minor units left over: mag less the parts' sum. Every w[i] ≤ sum, so a
// quotient is at most mag and the 128-by-64-bit division cannot overflow.
func splitFloors(mag uint64, w []uint64, sum uint64, parts []Money, rems []uint64) (left uint64) {
	parts, rems = parts[:len(w)], rems[:len(w)]
	left = mag
	for i, v := range w {
		hi, lo := bits.Mul64(mag, v)
		q, r := bits.Div64(hi, lo, sum)
		parts[i], rems[i] = Money(q), r
		left -= q
	}
	return left
}
