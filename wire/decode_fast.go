package wire

import (
	"bytes"
	"time"
	"unicode/utf8"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"
)

// DecodeFast reads a calculation request without reflection: it walks the
// known shape of calc.Request over the body's bytes. It is the cheap path
// of [DecodeRequest], which the calculation route's throughput depends on.
//
// It accepts a subset of what [DecodeReflect] accepts and, for that
// subset, builds the very same Request (the same decimals, down to their
// internal representation). Anything else — bad JSON, unknown or repeated
// members, wrong types, numbers or dates it cannot vouch for — makes it
// decline (ok false), never fail: DecodeReflect then decides, and writes
// the problem if there is one. So it never has to reproduce an error, only
// to be right about what it accepts; the differential tests and
// FuzzDecodeRequestDifferential hold it to that. It reads every member of
// calc.Request but those TestDecodeFastCoversRequest lists as left to the
// slow path (scenarios); that test fails when a new member is neither.
func DecodeFast(body []byte) (req *calc.Request, ok bool) {
	r := fastReader{b: body}
	req = new(calc.Request)
	if !r.request(req) {
		return nil, false
	}
	r.ws()
	if r.i != len(r.b) {
		return nil, false // trailing data
	}
	return req, true
}

// fastReader is the cursor of [DecodeFast]. Its methods read one value at
// the cursor into their argument and report whether they could; on false
// the reader's state no longer matters, since DecodeFast gives up.
//
// JSON null, which json v2 reads as the zero value (nil for pointers and
// slices), is skipped: every field starts zero and is set at most once,
// repeated members being declined. annual_cap is the one exception.
type fastReader struct {
	b []byte
	i int
}

// ws skips JSON whitespace.
func (r *fastReader) ws() {
	b, i := r.b, r.i
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	r.i = i
}

// consume skips whitespace and then c, reporting whether c was there.
func (r *fastReader) consume(c byte) bool {
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// at skips whitespace and reports whether the next byte is c.
func (r *fastReader) at(c byte) bool {
	r.ws()
	return r.i < len(r.b) && r.b[r.i] == c
}

// literal skips whitespace and then lit (null, true or false). Whatever
// follows is checked by the caller, which expects ',', '}' or ']'.
func (r *fastReader) literal(lit string) bool {
	r.ws()
	if len(r.b)-r.i >= len(lit) && string(r.b[r.i:r.i+len(lit)]) == lit {
		r.i += len(lit)
		return true
	}
	return false
}

// null reads a JSON null if one is next. It is called before nearly
// every value, hence the cheap test of the first byte.
func (r *fastReader) null() bool { return r.at('n') && r.literal("null") }

// str reads a JSON string and returns its text: a slice of the body when
// it has no escapes (checked for control characters and UTF-8 here), or
// else its unquoted copy, which jsontext.AppendUnquote checks just as the
// jsontext decoder does.
func (r *fastReader) str() ([]byte, bool) {
	if !r.at('"') {
		return nil, false
	}
	b, start := r.b, r.i
	j := start + 1
	for j < len(b) && plainByte[b[j]] {
		j++
	}
	if j < len(b) && b[j] == '"' {
		r.i = j + 1
		return b[start+1 : j], true
	}
	// Escapes, control characters or other than ASCII.
	ascii, escaped := true, false
	for ; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			r.i = j + 1
			if escaped {
				s, err := jsontext.AppendUnquote(nil, b[start:r.i])
				return s, err == nil
			}
			s := b[start+1 : j]
			return s, ascii || utf8.Valid(s)
		case c == '\\':
			escaped = true
			j++ // the escaped byte cannot end the string
		case c < ' ':
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// plainByte tells the bytes that stand for themselves in a JSON string:
// ASCII, not a control character, a quote or a backslash.
var plainByte = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// number reads a JSON number and returns its literal; the grammar is
// RFC 8259's, as strict as jsontext's.
func (r *fastReader) number() ([]byte, bool) {
	r.ws()
	b, start := r.b, r.i
	i := start
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++ // no leading zeros
	} else if digits() == 0 {
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	r.i = i
	return b[start:i], true
}

// text reads a string value: a usual code or enumeration value is shared
// rather than copied (see interned).
func (r *fastReader) text(dst *string) bool {
	if r.null() {
		return true
	}
	s, ok := r.str()
	if !ok {
		return false
	}
	if *dst = interned(s); *dst == "" {
		*dst = string(s)
	}
	return true
}

// textPtr, decimalPtr, datePtr and integerPtr read into an optional
// field: null leaves it nil, anything else is read into a new value.
func (r *fastReader) textPtr(dst **string) bool {
	if r.null() {
		return true
	}
	*dst = new(string)
	return r.text(*dst)
}

// decimal reads a decimal from a JSON string or number, like
// decodeState.decimal.
func (r *fastReader) decimal(dst *decimal.Decimal) bool {
	if r.null() {
		return true
	}
	var s []byte
	var ok bool
	if r.at('"') {
		s, ok = r.str()
	} else {
		s, ok = r.number()
	}
	if !ok {
		return false
	}
	*dst, ok = fastDecimal(s)
	return ok
}

func (r *fastReader) decimalPtr(dst **decimal.Decimal) bool {
	if r.null() {
		return true
	}
	*dst = new(decimal.Decimal)
	return r.decimal(*dst)
}

// date reads a date YYYY-MM-DD, like decodeState.date.
func (r *fastReader) date(dst *calc.Date) bool {
	if r.null() {
		return true
	}
	s, ok := r.str()
	if !ok {
		return false
	}
	*dst, ok = fastDate(s)
	return ok
}

func (r *fastReader) datePtr(dst **calc.Date) bool {
	if r.null() {
		return true
	}
	*dst = new(calc.Date)
	return r.date(*dst)
}

// integer reads a JSON number without fraction or exponent into an int,
// as json v2 does. Rather than check the range to the last digit, it
// declines numbers of over 18 digits (and, where int has 32 bits, those
// that do not fit).
func (r *fastReader) integer(dst *int) bool {
	if r.null() {
		return true
	}
	s, ok := r.number()
	if !ok {
		return false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) > 18 {
		return false
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return false // a fraction or an exponent
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	if int64(int(n)) != n {
		return false
	}
	*dst = int(n)
	return true
}

func (r *fastReader) integerPtr(dst **int) bool {
	if r.null() {
		return true
	}
	*dst = new(int)
	return r.integer(*dst)
}

// boolPtr reads true or false into a new bool; null leaves *dst nil.
func (r *fastReader) boolPtr(dst **bool) bool {
	switch {
	case r.null():
	case r.literal("true"):
		*dst = new(bool)
		**dst = true
	case r.literal("false"):
		*dst = new(bool)
	default:
		return false
	}
	return true
}

// object reads a JSON object, calling member for each name with the
// cursor at the member's value. member reads the value, or reports false
// for a name it does not know or has seen before in this object.
func (r *fastReader) object(member func(name []byte) bool) bool {
	if !r.consume('{') {
		return false
	}
	if r.consume('}') {
		return true
	}
	for {
		name, ok := r.str()
		if !ok || !r.consume(':') || !member(name) {
			return false
		}
		if !r.consume(',') {
			return r.consume('}')
		}
	}
}

// fastArray reads a JSON array into *dst with elem reading each element:
// null leaves *dst nil and [] makes it empty but not nil, as json v2 does.
func fastArray[T any](r *fastReader, dst *[]T, elem func(*T) bool) bool {
	if r.null() {
		return true
	}
	if !r.consume('[') {
		return false
	}
	s := make([]T, 0, 4) // the usual few elements in one allocation
	if !r.consume(']') {
		for {
			var zero T
			s = append(s, zero)
			if !elem(&s[len(s)-1]) {
				return false
			}
			if !r.consume(',') {
				if !r.consume(']') {
					return false
				}
				break
			}
		}
	}
	*dst = s
	return true
}

// fieldSet records which members of an object have been read, by an
// index each struct reader gives its fields, so that a repeated member
// (an error for DecodeReflect) is declined.
type fieldSet uint16

// first marks field i as read and reports whether it was not before.
func (s *fieldSet) first(i uint) bool {
	if *s&(1<<i) != 0 {
		return false
	}
	*s |= 1 << i
	return true
}

// The readers of calc.Request and its parts follow, one per struct, with
// the members of the struct's json tags.

func (r *fastReader) request(req *calc.Request) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "project":
			return seen.first(0) && r.project(&req.Project)
		case "loan":
			return seen.first(1) && r.loan(&req.Loan)
		case "subsidy":
			return seen.first(2) && r.subsidy(&req.Subsidy)
		case "discount_rate":
			return seen.first(3) && r.decimalPtr(&req.DiscountRate)
		case "lang":
			return seen.first(4) && r.text(&req.Lang)
		case "programmes":
			return seen.first(5) && fastArray(r, &req.Programmes, r.text)
		}
		return false
	})
}

func (r *fastReader) project(p *calc.Project) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "name":
			return seen.first(0) && r.text(&p.Name)
		case "participants":
			return seen.first(1) && fastArray(r, &p.Participants, r.participant)
		}
		return false
	})
}

func (r *fastReader) participant(p *calc.Participant) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "name":
			return seen.first(0) && r.text(&p.Name)
		case "country":
			return seen.first(1) && r.text(&p.Country)
		case "share":
			return seen.first(2) && r.decimal(&p.Share)
		}
		return false
	})
}

func (r *fastReader) loan(l *calc.Loan) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "amount":
			return seen.first(0) && r.decimal(&l.Amount)
		case "currency":
			return seen.first(1) && r.text(&l.Currency)
		case "rate":
			return seen.first(2) && r.decimalPtr(&l.Rate)
		case "issue_date":
			return seen.first(3) && r.date(&l.IssueDate)
		case "term_months":
			return seen.first(4) && r.integer(&l.TermMonths)
		case "repayment":
			return seen.first(5) && r.text(&l.Repayment)
		case "frequency":
			return seen.first(6) && r.text(&l.Frequency)
		case "grace_months":
			return seen.first(7) && r.integer(&l.GraceMonths)
		case "day_count":
			return seen.first(8) && r.text(&l.DayCount)
		case "disbursements":
			return seen.first(9) && fastArray(r, &l.Disbursements, r.disbursement)
		case "rate_changes":
			return seen.first(10) && fastArray(r, &l.RateChanges, r.ratePoint)
		}
		return false
	})
}

func (r *fastReader) disbursement(d *calc.Disbursement) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "date":
			return seen.first(0) && r.date(&d.Date)
		case "amount":
			return seen.first(1) && r.decimal(&d.Amount)
		}
		return false
	})
}

func (r *fastReader) ratePoint(p *calc.RatePoint) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "date":
			return seen.first(0) && r.date(&p.Date)
		case "rate":
			return seen.first(1) && r.decimal(&p.Rate)
		}
		return false
	})
}

func (r *fastReader) subsidy(s *calc.SubsidyTerms) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "programme":
			return seen.first(0) && r.text(&s.Programme)
		case "base_rates":
			return seen.first(1) && fastArray(r, &s.BaseRates, r.ratePoint)
		case "base_country":
			return seen.first(2) && r.text(&s.BaseCountry)
		case "rule":
			return seen.first(3) && r.rule(&s.Rule)
		case "annual_cap":
			return seen.first(4) && r.annualCap(&s.AnnualCap)
		case "fx":
			return seen.first(5) && fastArray(r, &s.FX, r.fxRate)
		case "start":
			return seen.first(6) && r.datePtr(&s.Start)
		case "end":
			return seen.first(7) && r.datePtr(&s.End)
		case "contributions":
			return seen.first(8) && fastArray(r, &s.Contributions, r.countryShare)
		case "max_term_months":
			return seen.first(9) && r.integerPtr(&s.MaxTermMonths)
		}
		return false
	})
}

func (r *fastReader) rule(dst **calc.RuleOverride) bool {
	if r.null() {
		return true
	}
	o := new(calc.RuleOverride)
	*dst = o
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "base_share":
			return seen.first(0) && r.decimalPtr(&o.BaseShare)
		case "plus_points":
			return seen.first(1) && r.decimalPtr(&o.PlusPoints)
		case "minus_loan":
			return seen.first(2) && r.boolPtr(&o.MinusLoan)
		case "loan_share":
			return seen.first(3) && r.decimalPtr(&o.LoanShare)
		case "borrower_floor":
			return seen.first(4) && r.decimalPtr(&o.BorrowerFloor)
		case "base_fixing":
			return seen.first(5) && r.textPtr(&o.BaseFixing)
		case "floor_base_share":
			return seen.first(6) && r.decimalPtr(&o.FloorBaseShare)
		case "steps":
			return seen.first(7) && fastArray(r, &o.Steps, r.ruleStep)
		}
		return false
	})
}

func (r *fastReader) ruleStep(st *calc.RuleStep) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "from_year":
			return seen.first(0) && r.integer(&st.FromYear)
		case "base_share":
			return seen.first(1) && r.decimalPtr(&st.BaseShare)
		case "plus_points":
			return seen.first(2) && r.decimalPtr(&st.PlusPoints)
		case "minus_loan":
			return seen.first(3) && r.boolPtr(&st.MinusLoan)
		case "loan_share":
			return seen.first(4) && r.decimalPtr(&st.LoanShare)
		case "borrower_floor":
			return seen.first(5) && r.decimalPtr(&st.BorrowerFloor)
		case "floor_base_share":
			return seen.first(6) && r.decimalPtr(&st.FloorBaseShare)
		}
		return false
	})
}

// annualCap reads annual_cap like decodeState.optionalCap: present is
// Set, null is no cap.
func (r *fastReader) annualCap(o *calc.OptionalCap) bool {
	o.Set = true
	if r.null() {
		return true
	}
	c := new(calc.Cap)
	o.Cap = c
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "amount":
			return seen.first(0) && r.decimal(&c.Amount)
		case "currency":
			return seen.first(1) && r.text(&c.Currency)
		}
		return false
	})
}

func (r *fastReader) fxRate(f *calc.FXRate) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "year":
			return seen.first(0) && r.integerPtr(&f.Year)
		case "rate":
			return seen.first(1) && r.decimal(&f.Rate)
		}
		return false
	})
}

func (r *fastReader) countryShare(c *calc.CountryShare) bool {
	if r.null() {
		return true
	}
	var seen fieldSet
	return r.object(func(name []byte) bool {
		switch string(name) {
		case "country":
			return seen.first(0) && r.text(&c.Country)
		case "share":
			return seen.first(1) && r.decimal(&c.Share)
		}
		return false
	})
}

// fastDecimal is [ParseDecimal] of s. A plain literal of at most 18
// characters besides the point ("-1234.56", "24.5") is built directly as
// decimal.NewFromString builds it: decimal.New of the digits read as an
// int64 and the fraction's length as negative exponent. That spares
// ParseDecimal's copies of the string and of the coefficient. Any other
// literal goes through ParseDecimal itself. Should a new version of the
// decimal package build its values otherwise, the differential tests,
// which compare decimals with reflect.DeepEqual, fail.
func fastDecimal(s []byte) (decimal.Decimal, bool) {
	if n, exp, ok := plainDecimal(s); ok {
		return decimal.New(n, exp), true
	}
	d, err := ParseDecimal(string(s))
	return d, err == nil
}

// plainDecimal reads s as -?[0-9]+(\.[0-9]+)? when it has at most 18
// characters besides the point, which decimal.NewFromString reads into an
// int64 too.
func plainDecimal(s []byte) (n int64, exp int32, ok bool) {
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	point := bytes.IndexByte(digits, '.')
	size := len(s)
	if point >= 0 {
		size--
		exp = -int32(len(digits) - point - 1)
	}
	if len(digits) == 0 || size > 18 || point == 0 || point == len(digits)-1 {
		return 0, 0, false
	}
	for i, c := range digits {
		switch {
		case i == point:
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
		default:
			return 0, 0, false // a second point, an exponent, anything else
		}
	}
	if s[0] == '-' {
		n = -n
	}
	return n, exp, true
}

// fastDate is calc.ParseDate of s (time.Parse with time.DateOnly) for a
// date it can check itself: four-digit year, two-digit month and day, the
// day existing in the month. It declines the rest, valid or not.
func fastDate(s []byte) (calc.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, false
	}
	return calc.NewDate(y, time.Month(m), d), true
}

// daysIn is the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// interned returns the shared string of a usual code or enumeration
// value of the request, "" for any other text: a miss costs the caller an
// allocation, nothing else. The codes are calc's own lists, so a new
// programme or currency is shared without an edit here.
func interned(s []byte) string { return internedCodes[string(s)] }

var internedCodes = func() map[string]string {
	m := map[string]string{"ru": "ru", "en": "en"} // the languages
	for _, list := range [][]string{calc.MemberStates, calc.Currencies, calc.Repayments(), calc.Frequencies(),
		calc.DayCounts(), calc.BaseFixings(), calc.ProgrammeIDs()} {
		for _, code := range list {
			m[code] = code
		}
	}
	return m
}()
