package calc

import (
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
)

// Methods of [Allocate]: how one year's programme budget is shared among
// many projects when their demand exceeds it (SPEC §5).
const (
	// ProRata gives every project the same fraction, budget / total
	// demand, of its demand, rounded down to the minor unit; the minor
	// units left over go by largest remainder.
	ProRata = "pro_rata"
	// FirstCome serves projects in application order (the order of the
	// demand slice): in full until the budget runs out, the next one in
	// part, the rest nothing.
	FirstCome = "first_come"
)

// Allocate shares budget, one calendar year's programme budget in minor
// units, among projects whose demands for that year (minor units, in
// application order) are given, and returns each project's allocation in
// the same order.
//
// When the total demand is at most the budget every project gets its
// demand under either method. Otherwise, with [ProRata], project i gets
// budget × demand[i] / total demand rounded down to the minor unit and the
// minor units left over go one each to the largest remainders of that
// rounding, earlier projects first among equals: exactly
// [SplitLargestRemainder] of budget with the demands as weights. No
// project gets more than its demand, and one with no demand gets 0. With
// [FirstCome] the projects are served in order until the budget runs out.
// Under both methods the allocations add up to min(budget, total demand)
// exactly.
//
// An unknown method (field "allocation"), a negative budget (field
// "annual_budget") or a negative demand (field "demand[i]") is an *[Error]
// of kind [Invalid] listing every such problem; the allocation is then nil.
func Allocate(budget Money, demand []Money, method string) ([]Money, error) {
	var p problems
	if method != ProRata && method != FirstCome {
		p.add("allocation", "unknown allocation method %q; use %s or %s",
			"неизвестный способ распределения %q; допустимы %s и %s", method, ProRata, FirstCome)
	}
	if budget < 0 {
		p.add("annual_budget", "the budget %s must not be negative",
			"бюджет %s не может быть отрицательным", budget)
	}
	for i, d := range demand {
		if d < 0 {
			p.add("demand["+strconv.Itoa(i)+"]", "the demand %s must not be negative",
				"потребность %s не может быть отрицательной", d)
		}
	}
	if err := p.err(); err != nil {
		err.(*Error).Detail = "invalid allocation"
		return nil, err
	}

	out := make([]Money, len(demand))
	// The total demand may exceed the range of Money: it is summed in 128
	// bits, and any overflow means it exceeds the budget.
	var hi, lo uint64
	for _, d := range demand {
		var carry uint64
		lo, carry = bits.Add64(lo, uint64(d), 0)
		hi += carry
	}
	if hi == 0 && lo <= uint64(budget) {
		copy(out, demand)
		return out, nil
	}

	switch method {
	case ProRata:
		ws := make([]decimal.Decimal, len(demand))
		for i, d := range demand {
			ws[i] = decimal.New(int64(d), 0)
		}
		return SplitLargestRemainder(budget, ws), nil
	default: // FirstCome
		left := budget
		for i, d := range demand {
			out[i] = min(d, left)
			left -= out[i]
		}
		return out, nil
	}
}
