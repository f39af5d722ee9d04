package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"
)

// The calculator form's field names are the JSON paths of calc.Request,
// so that calc's field errors land next to their inputs.
const (
	fProject      = "project.name"
	fParticipants = "project.participants"
	fAmount       = "loan.amount"
	fCurrency     = "loan.currency"
	fRate         = "loan.rate"
	fIssueDate    = "loan.issue_date"
	fTerm         = "loan.term_months"
	fRepayment    = "loan.repayment"
	fFrequency    = "loan.frequency"
	fGrace        = "loan.grace_months"
	fDayCount     = "loan.day_count"
	fProgramme    = "subsidy.programme"
	fFX           = "subsidy.fx"
	fBaseCountry  = "subsidy.base_country"
	fDiscount     = "discount_rate"
)

// Participant rows: the form shows at least formRows (enough without
// JavaScript), and reads at most maxRows.
const (
	formRows      = 5
	maxRows       = 50
	maxFormValues = 400
	maxValueLen   = 1000
	maxNameLen    = 300
)

// The form offers calc's codes, in calc's order.
var (
	repayments  = calc.Repayments()
	frequencies = calc.Frequencies()
	dayCounts   = calc.DayCounts()
)

func participantField(i int, part string) string {
	return fmt.Sprintf("%s[%d].%s", fParticipants, i, part)
}

var participantKey = regexp.MustCompile(`^project\.participants\[(\d{1,2})\]\.(name|country|share)$`)

// formValues are the raw values of the form by field name, as typed.
type formValues map[string]string

// knownField reports whether name is a field of the form.
func knownField(name string) bool {
	switch name {
	case fProject, fAmount, fCurrency, fRate, fIssueDate, fTerm, fRepayment, fFrequency,
		fGrace, fDayCount, fProgramme, fFX, fBaseCountry, fDiscount:
		return true
	}
	if m := participantKey.FindStringSubmatch(name); m != nil {
		i, _ := strconv.Atoi(m[1])
		return i < maxRows
	}
	return isRuleField(name)
}

// readFormValues collects the known fields from a POST body (urlencoded or
// multipart) or, with query set, from the query string. Unknown names are
// ignored, the first value of a name wins, and values are cut at
// maxValueLen bytes.
func readFormValues(c *fiber.Ctx, query bool) formValues {
	v := formValues{}
	n := 0
	visit := func(key, value []byte) {
		n++
		k := string(key)
		if n > maxFormValues || !knownField(k) {
			return
		}
		if _, dup := v[k]; dup {
			return
		}
		s := string(value)
		if len(s) > maxValueLen {
			s = s[:maxValueLen]
		}
		v[k] = strings.ToValidUTF8(s, "")
	}
	if query {
		c.Request().URI().QueryArgs().VisitAll(visit)
		return v
	}
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		keys := make([]string, 0, len(mf.Value))
		for k := range mf.Value {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if vals := mf.Value[k]; len(vals) > 0 {
				visit([]byte(k), []byte(vals[0]))
			}
		}
		return v
	}
	c.Request().PostArgs().VisitAll(visit)
	return v
}

// rows returns the number of participant rows the values use.
func (v formValues) rows() int {
	n := 0
	for k := range v {
		if m := participantKey.FindStringSubmatch(k); m != nil {
			i, _ := strconv.Atoi(m[1])
			n = max(n, i+1)
		}
	}
	return n
}

// encode returns the values as a query string, keys sorted.
func (v formValues) encode() string {
	q := url.Values{}
	for k, val := range v {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q.Encode()
}

// defaultFormValues are the values of a fresh form: a three-state EAEU
// project, a rouble loan of 1 bn for five years issued today at the
// Russian key rate + 3 pp (inside the programme's ceiling of + 6.5 pp).
func (s *Server) defaultFormValues(lang string, today calc.Date) formValues {
	rate := decimal.NewFromInt(20)
	if r, _, ok := s.cfg.Rates.Timeline("RU").At(today); ok {
		rate = r.Add(decimal.NewFromInt(3))
	}
	return formValues{
		participantField(0, "country"): "BY", participantField(0, "share"): "40",
		participantField(1, "country"): "RU", participantField(1, "share"): "35",
		participantField(2, "country"): "KZ", participantField(2, "share"): "25",
		fAmount:      FormatMoney(calc.Money(100_000_000_000), lang),
		fCurrency:    "RUB",
		fRate:        FormatDecimal(rate, lang),
		fIssueDate:   today.String(),
		fTerm:        "60",
		fRepayment:   "annuity",
		fFrequency:   "monthly",
		fGrace:       "0",
		fDayCount:    "act/act",
		fProgramme:   "eaeu-industrial",
		fBaseCountry: "",
	}
}

// formErrors are error messages by field name; general ones (not about a
// field of the form) are under "".
type formErrors map[string][]string

func (e formErrors) add(field, msg string) { e[field] = append(e[field], msg) }

// parseForm turns the form into a calculation request. Values that cannot
// be read (a number that is no number, an unknown choice) are errors by
// field; empty optional fields take calc's defaults. rowOf maps a
// participant's index in the request to its row of the form (blank rows
// are skipped).
func parseForm(v formValues, lang string) (req *calc.Request, rowOf []int, errs formErrors) {
	errs = formErrors{}
	req = &calc.Request{Lang: lang}
	msg := func(key string) string { return T(lang, key) }

	name := strings.TrimSpace(v[fProject])
	if utf8.RuneCountInString(name) > maxNameLen {
		errs.add(fProject, msg("err.parse.toolong"))
	}
	req.Project.Name = name

	for i := range min(max(v.rows(), formRows), maxRows) {
		pn := strings.TrimSpace(v[participantField(i, "name")])
		pc := strings.ToUpper(strings.TrimSpace(v[participantField(i, "country")]))
		ps := strings.TrimSpace(v[participantField(i, "share")])
		if pn == "" && pc == "" && ps == "" {
			continue
		}
		p := calc.Participant{Name: pn, Country: pc}
		if utf8.RuneCountInString(pn) > maxNameLen {
			errs.add(participantField(i, "name"), msg("err.parse.toolong"))
		}
		if pc == "" {
			errs.add(participantField(i, "country"), msg("err.parse.required"))
		} else if !slices.Contains(calc.MemberStates, pc) {
			errs.add(participantField(i, "country"), msg("err.parse.choice"))
		}
		if d, ok := formDecimal(errs, participantField(i, "share"), ps, lang, true); ok {
			p.Share = d
		}
		req.Project.Participants = append(req.Project.Participants, p)
		rowOf = append(rowOf, i)
	}

	if d, ok := formDecimal(errs, fAmount, v[fAmount], lang, true); ok {
		req.Loan.Amount = d
	}
	req.Loan.Currency = formChoice(errs, fCurrency, v[fCurrency], calc.Currencies, true, lang)
	if d, ok := formDecimal(errs, fRate, v[fRate], lang, true); ok {
		req.Loan.Rate = &d
	}
	if s := strings.TrimSpace(v[fIssueDate]); s == "" {
		errs.add(fIssueDate, msg("err.parse.required"))
	} else if d, err := parseFormDate(s); err != nil {
		errs.add(fIssueDate, msg("err.parse.date"))
	} else {
		req.Loan.IssueDate = d
	}
	if n, ok := formInt(errs, fTerm, v[fTerm], lang, true); ok {
		req.Loan.TermMonths = n
	}
	if n, ok := formInt(errs, fGrace, v[fGrace], lang, false); ok {
		req.Loan.GraceMonths = n
	}
	req.Loan.Repayment = formChoice(errs, fRepayment, v[fRepayment], repayments, false, lang)
	req.Loan.Frequency = formChoice(errs, fFrequency, v[fFrequency], frequencies, false, lang)
	req.Loan.DayCount = formChoice(errs, fDayCount, v[fDayCount], dayCounts, false, lang)
	req.Subsidy.Programme = formChoice(errs, fProgramme, v[fProgramme], calc.ProgrammeIDs(), true, lang)
	req.Subsidy.BaseCountry = formChoice(errs, fBaseCountry, strings.ToUpper(strings.TrimSpace(v[fBaseCountry])), calc.MemberStates, false, lang)
	if d, ok := formDecimal(errs, fFX, v[fFX], lang, false); ok && strings.TrimSpace(v[fFX]) != "" {
		req.Subsidy.FX = []calc.FXRate{{Rate: d}}
	}
	if d, ok := formDecimal(errs, fDiscount, v[fDiscount], lang, false); ok && strings.TrimSpace(v[fDiscount]) != "" {
		req.DiscountRate = &d
	}
	parseRuleForm(v, lang, errs, req)
	return req, rowOf, errs
}

// formDecimal reads a number typed by a person ([calc.ParseNumber] in the
// page's language: "5,000" is 5000 in English and refused as ambiguous in
// Russian).
func formDecimal(errs formErrors, field, s, lang string, required bool) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			errs.add(field, T(lang, "err.parse.required"))
			return decimal.Decimal{}, false
		}
		return decimal.Decimal{}, true
	}
	d, err := calc.ParseNumber(s, lang)
	if err != nil {
		errs.add(field, numberMessage(err, lang))
		return decimal.Decimal{}, false
	}
	return d, true
}

// numberMessage says why a typed number was refused.
func numberMessage(err error, lang string) string {
	var ne *calc.NumberError
	switch {
	case errors.As(err, &ne) && ne.Kind == calc.NumberAmbiguous:
		return ne.In(lang)
	case errors.As(err, &ne) && ne.Kind == calc.NumberRange:
		return T(lang, "err.parse.range")
	}
	return T(lang, "err.parse.decimal")
}

func formInt(errs formErrors, field, s, lang string, required bool) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			errs.add(field, T(lang, "err.parse.required"))
			return 0, false
		}
		return 0, true
	}
	d, err := calc.ParseNumber(s, lang)
	if err != nil || !d.IsInteger() || d.Abs().GreaterThan(decimal.NewFromInt(1_000_000)) {
		var ne *calc.NumberError
		if errors.As(err, &ne) && ne.Kind == calc.NumberAmbiguous {
			errs.add(field, ne.In(lang))
		} else {
			errs.add(field, T(lang, "err.parse.int"))
		}
		return 0, false
	}
	return int(d.IntPart()), true
}

func formChoice(errs formErrors, field, s string, allowed []string, required bool, lang string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			errs.add(field, T(lang, "err.parse.required"))
		}
		return ""
	}
	if !slices.Contains(allowed, s) {
		errs.add(field, T(lang, "err.parse.choice"))
		return ""
	}
	return s
}

// parseFormDate reads an ISO date (what <input type=date> sends) or
// DD.MM.YYYY (what a person types where the browser has no date picker).
func parseFormDate(s string) (calc.Date, error) {
	if d, err := calc.ParseDate(s); err == nil {
		return d, nil
	}
	t, err := time.Parse("02.01.2006", s)
	if err != nil {
		if t, err = time.Parse("2.1.2006", s); err != nil {
			return 0, err
		}
	}
	return calc.FromTime(t), nil
}

// formFieldOf maps a field path of a calc error to the form field that
// shows it: participant indexes go back to their rows, FX and override
// details to their input; "" for a field the form does not have.
func formFieldOf(path string, rowOf []int) string {
	if rest, ok := strings.CutPrefix(path, fParticipants+"["); ok {
		idx, tail, ok := strings.Cut(rest, "]")
		i, err := strconv.Atoi(idx)
		if ok && err == nil && i >= 0 && i < len(rowOf) {
			f := fmt.Sprintf("%s[%d]%s", fParticipants, rowOf[i], tail)
			if knownField(f) {
				return f
			}
			return fParticipants
		}
		return fParticipants
	}
	if path == fParticipants || strings.HasPrefix(path, "project.participants") {
		return fParticipants
	}
	if strings.HasPrefix(path, fFX) {
		return fFX
	}
	if path == fRule {
		return fRule
	}
	if knownField(path) {
		return path
	}
	return ""
}
