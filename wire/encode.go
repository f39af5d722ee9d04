package wire

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// EncodeResult encodes a calculation result as the API answers it, byte
// for byte what encoding/json writes for *calc.Result (money "1234.56",
// dates "2025-03-14", rates as decimal strings, nil slices as null, <, >
// and & escaped), but several times faster: encoding/json re-parses the
// output of every MarshalJSON method, and a 60-month result holds ~1,500
// of them. The encoder writes every field by hand, so it must follow
// calc's types: TestEncodeResultMatchesEncodingJSON compares the two
// encodings and TestEncodeResultKnowsEveryField fails when calc gains a
// field this file does not write.
func EncodeResult(res *calc.Result) []byte {
	return AppendResult(make([]byte, 0, 2048+len(res.Schedule)*700), res)
}

// AppendResult appends the encoding of res to b (see [EncodeResult]).
func AppendResult(b []byte, res *calc.Result) []byte {
	b = append(b, `{"currency":`...)
	b = appendString(b, res.Currency)
	if res.Eligible {
		b = append(b, `,"eligible":true`...)
	} else {
		b = append(b, `,"eligible":false`...)
	}
	b = append(b, `,"schedule":`...)
	if res.Schedule == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		var pe periodEncoder
		for i := range res.Schedule {
			if i > 0 {
				b = append(b, ',')
			}
			b = pe.append(b, &res.Schedule[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"years":`...)
	if res.Years == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		var shares shareCache // every year splits by the same shares
		for i := range res.Years {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendYear(b, &res.Years[i], &shares)
		}
		b = append(b, ']')
	}
	t := &res.Totals
	b = append(b, `,"totals":{"drawdowns":`...)
	b = appendMoney(b, t.Drawdowns)
	b = append(b, `,"interest":`...)
	b = appendMoney(b, t.Interest)
	b = append(b, `,"principal":`...)
	b = appendMoney(b, t.Principal)
	b = append(b, `,"subsidy":`...)
	b = appendMoney(b, t.Subsidy)
	b = append(b, `,"subsidy_paid":`...)
	b = appendMoney(b, t.SubsidyPaid)
	b = append(b, `,"subsidy_payable":`...)
	b = appendMoney(b, t.SubsidyPayable)
	b = append(b, `,"borrower_interest":`...)
	b = appendMoney(b, t.BorrowerInterest)
	b = append(b, `,"payments":`...)
	b = appendMoney(b, t.Payments)
	b = append(b, `,"borrower_payments":`...)
	b = appendMoney(b, t.BorrowerPayments)
	b = append(b, `},"effective_rates":{"without_subsidy":`...)
	b = appendDecimal(b, res.EffectiveRates.WithoutSubsidy)
	b = append(b, `,"with_subsidy":`...)
	b = appendDecimal(b, res.EffectiveRates.WithSubsidy)
	b = append(b, `,"converged":`...)
	b = strconv.AppendBool(b, res.EffectiveRates.Converged)
	b = append(b, `},"subsidy_present_value":`...)
	b = appendMoney(b, res.SubsidyPresentValue)
	b = append(b, `,"discount_rate":`...)
	b = appendDecimal(b, res.DiscountRate)
	b = append(b, `,"grant_element":`...)
	b = appendDecimal(b, res.GrantElement)
	b = append(b, `,"budget_shares":`...)
	b = appendCountryAmounts(b, res.BudgetShares, nil)
	b = append(b, `,"participants":`...)
	if res.Participants == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range res.Participants {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			if p.Name != "" {
				b = append(b, `"name":`...)
				b = appendString(b, p.Name)
				b = append(b, ',')
			}
			b = append(b, `"country":`...)
			b = appendString(b, p.Country)
			b = append(b, `,"share":`...)
			b = appendDecimal(b, p.Share)
			b = append(b, `,"subsidy":`...)
			b = appendMoney(b, p.Subsidy)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"countries":`...)
	if res.Countries == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range res.Countries {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"country":`...)
			b = appendString(b, c.Country)
			b = append(b, `,"benefit":`...)
			b = appendMoney(b, c.Benefit)
			b = append(b, `,"contribution":`...)
			b = appendMoney(b, c.Contribution)
			b = append(b, `,"net":`...)
			b = appendMoney(b, c.Net)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"checks":`...)
	if res.Checks == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range res.Checks {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"code":`...)
			b = appendString(b, c.Code)
			b = append(b, `,"ok":`...)
			b = strconv.AppendBool(b, c.OK)
			b = append(b, `,"kind":`...)
			b = appendString(b, c.Kind)
			b = append(b, `,"message":`...)
			b = appendString(b, c.Message())
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"programme":`...)
	b = appendProgrammeRef(b, &res.Programme)
	b = appendScenarios(b, res)
	return append(b, '}')
}

// appendScenarios writes the scenario members (SPEC §10) when the request
// asked for scenarios. They are small and rare, so encoding/json writes
// them: the same bytes it writes inside a whole result.
func appendScenarios(b []byte, res *calc.Result) []byte {
	if len(res.Scenarios) > 0 {
		b = append(b, `,"scenarios":`...)
		b = appendJSON(b, res.Scenarios)
	}
	if res.SensitivityPerPP != nil {
		b = append(b, `,"sensitivity_per_pp":`...)
		b = appendMoney(b, *res.SensitivityPerPP)
	}
	return b
}

// appendJSON appends v as encoding/json writes it; v is one of calc's
// result types, which always marshal.
func appendJSON(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

// periodEncoder writes schedule rows. Consecutive rows share dates (a
// period starts on the previous one's payment date) and usually rates, so
// it keeps the last of each as written and copies it instead of formatting
// it again.
type periodEncoder struct {
	end     calc.Date
	endSet  bool
	endText [12]byte // "YYYY-MM-DD" with quotes
	rates   [3]decimalCache
}

// decimalCache remembers one decimal and its encoding (when that fits
// its array: all the rates and shares met in practice).
type decimalCache struct {
	d    decimal.Decimal
	text [32]byte
	n    int // length of the encoding in text; 0 when nothing is kept
}

func (c *decimalCache) append(b []byte, d decimal.Decimal) []byte {
	if c.n > 0 && c.d.Exponent() == d.Exponent() && c.d.Equal(d) {
		return append(b, c.text[:c.n]...)
	}
	start := len(b)
	b = appendDecimal(b, d)
	c.n = 0
	if n := len(b) - start; n <= len(c.text) {
		c.d, c.n = d, copy(c.text[:], b[start:])
	}
	return b
}

func (pe *periodEncoder) append(b []byte, p *calc.Period) []byte {
	b = append(b, `{"n":`...)
	b = strconv.AppendInt(b, int64(p.N), 10)
	b = append(b, `,"start":`...)
	if pe.endSet && pe.end == p.Start { // a period starts where the last one ended
		b = append(b, pe.endText[:]...)
	} else {
		b = appendDate(b, p.Start)
	}
	b = append(b, `,"end":`...)
	n := len(b)
	b = appendDate(b, p.End)
	if len(b)-n == len(pe.endText) {
		copy(pe.endText[:], b[n:])
		pe.end, pe.endSet = p.End, true
	} else {
		pe.endSet = false
	}
	b = append(b, `,"days":`...)
	b = strconv.AppendInt(b, int64(p.Days), 10)
	b = append(b, `,"opening_balance":`...)
	b = appendMoney(b, p.OpeningBalance)
	b = append(b, `,"drawdown":`...)
	b = appendMoney(b, p.Drawdown)
	b = append(b, `,"interest":`...)
	b = appendMoney(b, p.Interest)
	b = append(b, `,"principal":`...)
	b = appendMoney(b, p.Principal)
	b = append(b, `,"payment":`...)
	b = appendMoney(b, p.Payment)
	b = append(b, `,"closing_balance":`...)
	b = appendMoney(b, p.ClosingBalance)
	b = append(b, `,"contract_rate":`...)
	b = pe.rates[0].append(b, p.ContractRate)
	b = append(b, `,"base_rate":`...)
	b = pe.rates[1].append(b, p.BaseRate)
	b = append(b, `,"subsidy_rate":`...)
	b = pe.rates[2].append(b, p.SubsidyRate)
	if p.RatesVary {
		b = append(b, `,"rates_vary":true`...)
	}
	b = append(b, `,"subsidy":`...)
	b = appendMoney(b, p.Subsidy)
	b = append(b, `,"subsidy_paid":`...)
	b = appendMoney(b, p.SubsidyPaid)
	b = append(b, `,"subsidy_payable":`...)
	b = appendMoney(b, p.SubsidyPayable)
	b = append(b, `,"borrower_interest":`...)
	b = appendMoney(b, p.BorrowerInterest)
	b = append(b, `,"borrower_payment":`...)
	b = appendMoney(b, p.BorrowerPayment)
	return append(b, '}')
}

func appendYear(b []byte, y *calc.Year, shares *shareCache) []byte {
	b = append(b, `{"year":`...)
	b = strconv.AppendInt(b, int64(y.Year), 10)
	b = append(b, `,"interest":`...)
	b = appendMoney(b, y.Interest)
	b = append(b, `,"principal":`...)
	b = appendMoney(b, y.Principal)
	b = append(b, `,"subsidy":`...)
	b = appendMoney(b, y.Subsidy)
	b = append(b, `,"subsidy_paid":`...)
	b = appendMoney(b, y.SubsidyPaid)
	b = append(b, `,"subsidy_payable":`...)
	b = appendMoney(b, y.SubsidyPayable)
	b = append(b, `,"borrower_interest":`...)
	b = appendMoney(b, y.BorrowerInterest)
	b = append(b, `,"cap":`...)
	if y.Cap == nil {
		b = append(b, "null"...)
	} else {
		b = appendMoney(b, *y.Cap)
	}
	b = append(b, `,"cap_used":`...)
	b = appendMoney(b, y.CapUsed)
	b = append(b, `,"cap_reached":`...)
	b = strconv.AppendBool(b, y.CapReached)
	if y.FXRate != nil {
		b = append(b, `,"fx_rate":`...)
		b = appendDecimal(b, *y.FXRate)
	}
	b = append(b, `,"budget_shares":`...)
	b = appendCountryAmounts(b, y.BudgetShares, shares)
	return append(b, '}')
}

// shareCache holds the encodings of the last shares written, by
// position: the years of a result repeat the same budget shares.
type shareCache [5]decimalCache

// appendCountryAmounts writes country amounts; shares, when not nil,
// remembers their shares' encodings from one call to the next.
func appendCountryAmounts(b []byte, cs []calc.CountryAmount, shares *shareCache) []byte {
	if cs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"country":`...)
		b = appendString(b, c.Country)
		b = append(b, `,"share":`...)
		if shares != nil && i < len(shares) {
			b = shares[i].append(b, c.Share)
		} else {
			b = appendDecimal(b, c.Share)
		}
		b = append(b, `,"amount":`...)
		b = appendMoney(b, c.Amount)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendProgrammeRef(b []byte, p *calc.ProgrammeRef) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, p.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, p.Name)
	b = append(b, `,"rules_version":`...)
	b = appendString(b, p.RulesVersion)
	r := &p.Rule
	b = append(b, `,"rule":{"base_share":`...)
	b = appendDecimalPtr(b, r.BaseShare)
	b = append(b, `,"plus_points":`...)
	b = appendDecimalPtr(b, r.PlusPoints)
	b = append(b, `,"minus_loan":`...)
	b = strconv.AppendBool(b, r.MinusLoan)
	b = append(b, `,"loan_share":`...)
	b = appendDecimalPtr(b, r.LoanShare)
	b = append(b, `,"borrower_floor":`...)
	b = appendDecimalPtr(b, r.BorrowerFloor)
	b = append(b, `,"base_fixing":`...)
	b = appendString(b, r.BaseFixing)
	b = append(b, `,"floor_base_share":`...)
	b = appendDecimalPtr(b, r.FloorBaseShare)
	if len(r.Steps) > 0 {
		b = append(b, `,"steps":`...)
		b = appendJSON(b, r.Steps)
	}
	b = append(b, `},"annual_cap":`...)
	if p.Cap == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"amount":`...)
		b = appendDecimal(b, p.Cap.Amount)
		b = append(b, `,"currency":`...)
		b = appendString(b, p.Cap.Currency)
		b = append(b, '}')
	}
	if p.BaseCountry != "" {
		b = append(b, `,"base_country":`...)
		b = appendString(b, p.BaseCountry)
	}
	b = append(b, `,"subsidy_start":`...)
	b = appendDate(b, p.WindowStart)
	b = append(b, `,"subsidy_end":`...)
	b = appendDate(b, p.WindowEnd)
	if len(p.Overridden) > 0 {
		b = append(b, `,"overridden":[`...)
		for i, s := range p.Overridden {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendMoney appends m as "1234.56".
func appendMoney(b []byte, m calc.Money) []byte {
	if m == 0 { // most drawdowns, the principal of grace periods
		return append(b, `"0.00"`...)
	}
	v := int64(m)
	neg := v < 0
	if neg {
		if v == -v { // math.MinInt64
			return append(append(append(b, '"'), m.String()...), '"')
		}
		v = -v
	}
	// Digits from the right, two at a time, with the decimal point after
	// the first two: one pass, no division by 100 first.
	var buf [24]byte
	i := len(buf)
	buf[i-1] = '"'
	i--
	u := uint64(v)
	q := u / 100
	r := u - q*100
	buf[i-1], buf[i-2], buf[i-3] = digitPairs[2*r+1], digitPairs[2*r], '.'
	i -= 3
	u = q
	for u >= 100 {
		q := u / 100
		r := u - q*100
		buf[i-1], buf[i-2] = digitPairs[2*r+1], digitPairs[2*r]
		i -= 2
		u = q
	}
	if u >= 10 {
		buf[i-1], buf[i-2] = digitPairs[2*u+1], digitPairs[2*u]
		i -= 2
	} else {
		buf[i-1] = byte('0' + u)
		i--
	}
	if neg {
		buf[i-1] = '-'
		i--
	}
	buf[i-1] = '"'
	i--
	return append(b, buf[i:]...)
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendDate appends "YYYY-MM-DD" (see calc.Date.AppendISO).
func appendDate(b []byte, d calc.Date) []byte {
	return append(d.AppendISO(append(b, '"')), '"')
}

func appendDecimalPtr(b []byte, d *decimal.Decimal) []byte {
	if d == nil {
		return append(b, "null"...)
	}
	return appendDecimal(b, *d)
}

// appendDecimal appends d quoted, as decimal.Decimal.String writes it
// (see calc.AppendDecimal).
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	return append(calc.AppendDecimal(append(b, '"'), d), '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string escaped as encoding/json does:
// quote, backslash and control characters, <, > and & (as \u003c …),
// U+2028 and U+2029, and invalid UTF-8 as \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// A well-formed two-byte sequence (Cyrillic letters) needs no
		// escaping: skip it without decoding.
		if c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
