package calc

import (
	"cmp"
	"math/bits"
	"slices"
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
		p.add("allocation", Text{
			Ru: "неизвестный способ распределения %q; допустимы %s и %s",
			En: "unknown allocation method %q; use %s or %s",
		}, method, ProRata, FirstCome)
	}
	if budget < 0 {
		p.add("annual_budget", Text{
			Ru: "бюджет %s не может быть отрицательным",
			En: "the budget %s must not be negative",
		}, budget)
	}
	for i, d := range demand {
		if d < 0 {
			p.add("demand["+strconv.Itoa(i)+"]", Text{
				Ru: "потребность %s не может быть отрицательной",
				En: "the demand %s must not be negative",
			}, d)
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

// YearDemand is a project's demand on one calendar year's budget, in the
// budget's currency (minor units).
type YearDemand struct {
	Year   int
	Demand Money
}

// Demand returns what the loan of res asks of a budget in currency cur,
// year by year (years with nothing payable left out): its payable subsidy,
// so an ineligible loan asks nothing (SPEC §6). A loan in another currency
// converts each year with the exchange rate its cap used that year, else
// with fx (units of cur for one unit of the loan currency; nil: none),
// rounded down to the minor unit as cap conversions are: 1 234 567,89 KZT
// at 0.18 is 222 222,22 RUB. When there is no such rate (or the cap's
// rates lead into another currency than cur) the loan cannot take part:
// the answer is an *[Error] of kind [Invalid] on field "subsidy.fx".
func Demand(res *Result, cur string, fx *decimal.Decimal) ([]YearDemand, error) {
	capCur := ""
	if res.Programme.Cap != nil {
		capCur = res.Programme.Cap.Currency
	}
	var out []YearDemand
	for _, y := range res.Years {
		if y.SubsidyPayable == 0 {
			continue
		}
		m := y.SubsidyPayable
		if res.Currency != cur {
			rate := y.FXRate
			if rate == nil {
				rate = fx
			}
			if rate == nil || (capCur != "" && capCur != cur) {
				var p problems
				p.add("subsidy.fx", Text{
					Ru: "кредит в %s, а курса к %s нет: укажите cap_fx",
					En: "the loan is in %s and there is no exchange rate into %s: give cap_fx",
				}, res.Currency, cur)
				return nil, p.err()
			}
			v, err := MoneyFromDecimal(m.Decimal().Mul(*rate).Truncate(MinorDigits))
			if err != nil {
				var p problems
				p.add("subsidy.fx", Text{
					Ru: "пересчитанная потребность вне допустимого диапазона",
					En: "the converted demand is out of range",
				})
				return nil, p.err()
			}
			m = v
		}
		out = append(out, YearDemand{y.Year, m})
	}
	return out, nil
}

// Application is one project's claim on the budget: its place in the
// queue and its demand by year (from [Demand]).
type Application struct {
	// Seq is the project's place in the input (its row): the order among
	// equal dates.
	Seq int
	// Date is the application date; nil comes after every dated one.
	Date  *Date
	Years []YearDemand
}

// AllocatedYear is one year's allocation: Demand and Allocated are in the
// order of Projects, indexes into the applications given to
// [AllocateYears] in the order they were served.
type AllocatedYear struct {
	Year      int
	Projects  []int
	Demand    []Money
	Allocated []Money
}

// AllocateYears shares budget, the programme's budget for every calendar
// year (minor units), among the applications with [Allocate] year by year,
// in years' order. Projects are served by application date, earliest
// first, then by Seq; applications without a date come after those with
// one, by Seq. Under pro_rata the same order breaks ties of the largest
// remainder. Errors are those of [Allocate].
func AllocateYears(budget Money, method string, apps []Application) ([]AllocatedYear, error) {
	order := make([]int, len(apps))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &apps[i], &apps[j]
		switch {
		case (a.Date != nil) != (b.Date != nil):
			if a.Date != nil {
				return -1
			}
			return 1
		case a.Date != nil && *a.Date != *b.Date:
			return cmp.Compare(*a.Date, *b.Date)
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	byYear := map[int]*AllocatedYear{}
	var years []int
	for _, i := range order {
		for _, y := range apps[i].Years {
			ay := byYear[y.Year]
			if ay == nil {
				ay = &AllocatedYear{Year: y.Year}
				byYear[y.Year] = ay
				years = append(years, y.Year)
			}
			ay.Projects = append(ay.Projects, i)
			ay.Demand = append(ay.Demand, y.Demand)
		}
	}
	slices.Sort(years)
	out := make([]AllocatedYear, 0, len(years))
	for _, y := range years {
		ay := byYear[y]
		got, err := Allocate(budget, ay.Demand, method)
		if err != nil {
			return nil, err
		}
		ay.Allocated = got
		out = append(out, *ay)
	}
	if len(out) == 0 {
		// Still check the method and the budget.
		if _, err := Allocate(budget, nil, method); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// BudgetCurrency is the currency of a programme's budget given without
// one: the currency of the programme's annual cap, or its only allowed
// currency, or RUB.
func BudgetCurrency(programme string) string {
	if p, ok := LookupProgramme(programme); ok {
		if p.Cap != nil {
			return p.Cap.Currency
		}
		if len(p.Conditions.Currencies) == 1 {
			return p.Conditions.Currencies[0]
		}
	}
	return "RUB"
}
