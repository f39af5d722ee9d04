package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/templates"
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"
)

// pageCSP allows the pages nothing from elsewhere: styles, scripts and
// images come from the binary; the chart is inline SVG.
const pageCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

type staticFile struct {
	body        []byte
	contentType string
	hash        string
}

// loadTemplates parses layout.html with each page of templates.FS and
// reads the static files.
func (s *Server) loadTemplates() error {
	s.static = map[string]staticFile{}
	entries, err := fs.ReadDir(templates.FS, "static")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(templates.FS, "static/"+e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.static[e.Name()] = staticFile{body: b, contentType: ct, hash: hex.EncodeToString(sum[:6])}
	}
	funcs := template.FuncMap{
		"t":       T,
		"money":   FormatMoney,
		"dec":     FormatDecimal,
		"pct":     FormatPercent,
		"pctAt":   formatPercentAt,
		"fixed":   FormatFixed,
		"nw":      noWrapDates,
		"time":    timeHTML,
		"date":    FormatDate,
		"country": countryName,
		"join":    strings.Join,
		"deref":   func(m *calc.Money) calc.Money { return *m },
		"static": func(name string) (string, error) {
			f, ok := s.static[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return "/static/" + name + "?v=" + f.hash, nil
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templates.FS, "layout.html")
	if err != nil {
		return err
	}
	pages, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, p := range pages {
		if p == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templates.FS, p)
		if err != nil {
			return err
		}
		s.pages[p] = t
	}
	return nil
}

// pageData is what every page gets: its language and the links to the
// page in the other languages.
type pageData struct {
	Lang  string
	Langs []langLink
}

type langLink struct {
	Code, Label, URL string
	Current          bool
}

func newPageData(lang, pathAndQuery string) pageData {
	p := pageData{Lang: lang}
	for _, l := range []struct{ code, label string }{{LangRu, "Русский"}, {LangEn, "English"}} {
		sep := "?"
		if strings.Contains(pathAndQuery, "?") {
			sep = "&"
		}
		p.Langs = append(p.Langs, langLink{Code: l.code, Label: l.label, URL: pathAndQuery + sep + "lang=" + l.code, Current: l.code == lang})
	}
	return p
}

// render executes page (a file of templates/) inside the layout and sends
// it with status. Batch pages use it too.
func (s *Server) render(c *fiber.Ctx, status int, page string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("no page %q", page)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, pageLang(data))
	c.Set(fiber.HeaderVary, "Accept-Language")
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(b.Bytes())
}

func pageLang(data any) string {
	type langer interface{ pageLang() string }
	if l, ok := data.(langer); ok {
		return l.pageLang()
	}
	return LangRu
}

func (p pageData) pageLang() string { return p.Lang }

// serveStatic is GET /static/:file, the CSS and JavaScript of the pages.
func (s *Server) serveStatic(c *fiber.Ctx) error {
	f, ok := s.static[c.Params("file")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	c.Set(fiber.HeaderETag, `"`+f.hash+`"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+f.hash+`"` {
		return c.SendStatus(http.StatusNotModified)
	}
	return c.Send(f.body)
}

// countryName names a member state in lang ("RU" is Россия / Russia).
func countryName(code, lang string) string {
	if t := T(lang, "country."+code); t != "country."+code {
		return t
	}
	return code
}

// ---- the form ----

// fieldView is one input or select of the form.
type fieldView struct {
	Name, ID, Label, Value, Error, ErrorPrefix, Hint string
	Type, InputMode, Autocomplete, Class             string
	Describedby                                      string
	Required                                         bool
	Size                                             int
	Options                                          []option
}

type option struct {
	Value, Label string
	Selected     bool
}

type participantRow struct {
	Index, Number        int
	Name, Country, Share fieldView
	RemoveLabel          string
}

type summaryItem struct{ ID, Label, Message string }

type programmeView struct {
	ID, Name, Rule, Cap, Term, Contributions, Source string
	Conditions                                       []string
	Current                                          bool
}

// formPage is the data of form.html.
type formPage struct {
	pageData
	F                 map[string]fieldView
	Rows              []participantRow
	TemplateRow       participantRow
	ParticipantsError string
	Programmes        []programmeView
	Summary           []summaryItem
	AdvancedOpen      bool
	// RuleCurrent: the custom programme is chosen, its rule fields show;
	// RuleError is the error of the rule as a whole.
	RuleCurrent bool
	RuleError   string
	// Scenarios are the policy-rate scenario checkboxes (form_scenarios.go).
	Scenarios []option
}

// fieldID turns a field name into an element id: loan.amount is
// loan-amount, project.participants[2].share project-participants-2-share.
func fieldID(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		if r == ']' {
			return -1
		}
		return '-'
	}, name)
}

// buildFormPage lays out the form with values and errors.
func (s *Server) buildFormPage(lang string, v formValues, errs formErrors) formPage {
	p := formPage{pageData: newPageData(lang, "/"), F: map[string]fieldView{}}
	field := func(name, labelKey string) fieldView {
		f := fieldView{Name: name, ID: fieldID(name), Label: T(lang, labelKey), Value: v[name], Type: "text", ErrorPrefix: T(lang, "form.error")}
		if e := errs[name]; len(e) > 0 {
			f.Error = strings.Join(e, "; ")
		}
		return f
	}
	finish := func(f fieldView) fieldView {
		var ids []string
		if f.Hint != "" {
			ids = append(ids, f.ID+"-hint")
		}
		if f.Error != "" {
			ids = append(ids, f.ID+"-error")
		}
		f.Describedby = strings.Join(ids, " ")
		return f
	}
	choices := func(f fieldView, values []string, label func(string) string, blank string) fieldView {
		if blank != "" || !slices.Contains(values, f.Value) {
			f.Options = append(f.Options, option{Value: "", Label: blank, Selected: f.Value == ""})
		}
		for _, val := range values {
			f.Options = append(f.Options, option{Value: val, Label: label(val), Selected: val == f.Value})
		}
		return f
	}
	add := func(f fieldView) { p.F[f.Name] = finish(f) }

	f := field(fProject, "field.project")
	f.Autocomplete = "off"
	add(f)

	f = field(fAmount, "field.amount")
	f.Required, f.InputMode, f.Hint, f.Autocomplete = true, "decimal", T(lang, "hint.amount"), "off"
	add(f)
	f = field(fCurrency, "field.currency")
	f.Required = true
	add(choices(f, calc.Currencies, func(c string) string { return c }, ""))
	f = field(fRate, "field.rate")
	f.Required, f.InputMode, f.Autocomplete = true, "decimal", "off"
	add(f)
	f = field(fIssueDate, "field.issue_date")
	f.Required, f.Type = true, "date"
	add(f)
	f = field(fTerm, "field.term")
	f.Required, f.InputMode, f.Autocomplete = true, "numeric", "off"
	add(f)
	f = field(fGrace, "field.grace")
	f.InputMode, f.Autocomplete = "numeric", "off"
	add(f)
	f = field(fRepayment, "field.repayment")
	add(choices(f, repayments, func(x string) string { return T(lang, "repayment."+x) }, ""))
	f = field(fFrequency, "field.frequency")
	add(choices(f, frequencies, func(x string) string { return T(lang, "frequency."+x) }, ""))
	f = field(fDayCount, "field.day_count")
	add(choices(f, dayCounts, func(x string) string { return T(lang, "day_count."+x) }, ""))

	progs := calc.Programmes()
	names := map[string]string{}
	ids := make([]string, len(progs))
	for i, pr := range progs {
		ids[i] = pr.ID
		names[pr.ID] = pr.Name().In(lang)
	}
	f = field(fProgramme, "field.programme")
	f.Required = true
	f.Describedby = "programme-info"
	add(choices(f, ids, func(id string) string { return names[id] }, ""))
	pf := p.F[fProgramme]
	pf.Describedby = strings.TrimSpace(pf.Describedby + " programme-info")
	p.F[fProgramme] = pf
	for _, pr := range progs {
		p.Programmes = append(p.Programmes, programmeInfo(pr, lang, pr.ID == v[fProgramme]))
	}

	addRuleFields(&p, lang, field, add, choices)
	p.RuleError = strings.Join(errs[fRule], "; ")

	f = field(fFX, "field.fx")
	f.InputMode, f.Hint, f.Autocomplete = "decimal", T(lang, "hint.fx"), "off"
	add(f)
	f = field(fDiscount, "field.discount_rate")
	f.InputMode, f.Hint, f.Autocomplete = "decimal", T(lang, "hint.discount_rate"), "off"
	add(f)
	f = field(fBaseCountry, "field.base_country")
	add(choices(f, calc.MemberStates, func(c string) string { return countryName(c, lang) }, T(lang, "base_country.auto")))
	p.AdvancedOpen = v[fFX] != "" || v[fDiscount] != "" || v[fBaseCountry] != "" ||
		len(errs[fFX]) > 0 || len(errs[fDiscount]) > 0 || len(errs[fBaseCountry]) > 0

	row := func(i int, idx string, number string) participantRow {
		mk := func(part, labelKey string) fieldView {
			name := fmt.Sprintf("%s[%s].%s", fParticipants, idx, part)
			fv := field(name, labelKey)
			fv.Class = "p-" + part
			return fv
		}
		r := participantRow{Index: i, Number: i + 1}
		r.Name = mk("name", "field.participant.name")
		r.Name.Autocomplete = "organization"
		r.Country = mk("country", "field.participant.country")
		r.Country = choices(r.Country, calc.MemberStates, func(c string) string { return countryName(c, lang) }, T(lang, "country.none"))
		r.Share = mk("share", "field.participant.share")
		r.Share.InputMode, r.Share.Size, r.Share.Autocomplete = "decimal", 6, "off"
		r.Name, r.Country, r.Share = finish(r.Name), finish(r.Country), finish(r.Share)
		r.RemoveLabel = T(lang, "participant.remove") + " " + number
		return r
	}
	for i := range min(max(v.rows(), formRows), maxRows) {
		p.Rows = append(p.Rows, row(i, fmt.Sprint(i), fmt.Sprint(i+1)))
	}
	p.TemplateRow = row(0, "__i__", "__n__")
	p.ParticipantsError = strings.Join(errs[fParticipants], "; ")

	// The summary lists every error in the order of the form.
	order := []string{fProject}
	for _, r := range p.Rows {
		order = append(order, r.Name.Name, r.Country.Name, r.Share.Name)
	}
	order = append(order, fParticipants, fAmount, fCurrency, fRate, fIssueDate, fTerm, fGrace, fRepayment,
		fFrequency, fDayCount, fProgramme, fRule)
	order = append(order, ruleFields...)
	order = append(order, fFX, fDiscount, fBaseCountry)
	for _, name := range order {
		for _, m := range errs[name] {
			label, id := "", fieldID(name)
			switch {
			case name == fParticipants:
				label, id = T(lang, "field.participants"), "participants"
			case name == fRule:
				label, id = T(lang, "form.rule"), "rule-fields"
			case strings.HasPrefix(name, fParticipants):
				for _, r := range p.Rows {
					for _, fv := range []fieldView{r.Name, r.Country, r.Share} {
						if fv.Name == name {
							label = fmt.Sprintf("%s %d: %s", T(lang, "field.participant"), r.Number, fv.Label)
						}
					}
				}
			default:
				label = p.F[name].Label
			}
			p.Summary = append(p.Summary, summaryItem{ID: id, Label: label, Message: m})
		}
	}
	for _, m := range errs[""] {
		p.Summary = append(p.Summary, summaryItem{Label: T(lang, "err.general"), Message: m})
	}
	return p
}

// programmeInfo describes a programme's rule and conditions in lang.
func programmeInfo(p calc.Programme, lang string, current bool) programmeView {
	v := programmeView{ID: p.ID, Name: p.Name().In(lang), Source: p.Source, Current: current}
	v.Rule = withForeignRule(p, ruleText(p.Rule, lang), lang) // programme_foreign.go
	if p.ID == customProgramme {
		v.Source = T(lang, "prog.source.custom")
	} else if p.Confidence != "" { // "(confidence: medium (operator's page, news))", compare.go
		v.Source += " (" + T(lang, "cmp.confidence."+p.Confidence) + ")"
	}
	if p.Cap != nil {
		v.Cap = FormatDecimal(p.Cap.Amount, lang) + nbsp + p.Cap.Currency
	} else {
		v.Cap = T(lang, "prog.nocap")
	}
	if p.MaxTermMonths > 0 {
		v.Term = fmt.Sprintf(T(lang, "prog.term.months"), p.MaxTermMonths)
	} else {
		v.Term = T(lang, "prog.term.loan")
	}
	c := p.Conditions
	if c.MinMemberStates > 0 {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.min_states"), c.MinMemberStates))
	}
	if len(c.RequiredCountries) > 0 {
		names := make([]string, len(c.RequiredCountries))
		for i, cc := range c.RequiredCountries {
			names[i] = countryName(cc, lang)
		}
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.required"), strings.Join(names, ", ")))
	}
	if c.MemberCurrency {
		v.Conditions = append(v.Conditions, T(lang, "cond.member_currency"))
	}
	if len(c.Currencies) > 0 {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.currencies"), strings.Join(c.Currencies, ", ")))
	}
	if c.RateCeilingPoints != nil {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.ceiling"), FormatFixed(*c.RateCeilingPoints, percentScale(*c.RateCeilingPoints), lang)))
	}
	if c.RateEqualsBasePlus != nil {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.equals"), FormatFixed(*c.RateEqualsBasePlus, percentScale(*c.RateEqualsBasePlus), lang)))
	}
	if c.MinLoanMonths > 0 {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.min_months"), c.MinLoanMonths))
	}
	if c.MaxLoanMonths > 0 {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.max_months"), c.MaxLoanMonths))
	}
	if c.MaxAmount != nil {
		v.Conditions = append(v.Conditions, fmt.Sprintf(T(lang, "cond.max_amount"), FormatDecimal(*c.MaxAmount, lang), c.MaxAmountCurrency))
	}
	parts := make([]string, len(p.Contributions))
	shares := make([]decimal.Decimal, len(p.Contributions))
	for i, cs := range p.Contributions {
		shares[i] = cs.Share
	}
	scale := percentScale(shares...)
	for i, cs := range p.Contributions {
		parts[i] = countryName(cs.Country, lang) + nbsp + formatPercentAt(cs.Share, scale, lang)
	}
	v.Contributions = strings.Join(parts, ", ")
	return v
}

// ruleText writes the subsidy rate rule of SPEC §3 with the programme's
// terms: "min(1 × ставка ЦБ; 1 × ставка по кредиту)".
func ruleText(r calc.RuleParams, lang string) string {
	base := calc.Text{Ru: "ставка ЦБ", En: "policy rate"}.In(lang)
	loan := calc.Text{Ru: "ставка по кредиту", En: "loan rate"}.In(lang)
	var terms []string
	if r.BaseShare != nil {
		t := FormatDecimal(*r.BaseShare, lang) + " × " + base
		if r.PlusPoints != nil && !r.PlusPoints.IsZero() {
			if r.PlusPoints.IsNegative() {
				t += " − " + FormatFixed(r.PlusPoints.Neg(), percentScale(*r.PlusPoints), lang)
			} else {
				t += " + " + FormatFixed(*r.PlusPoints, percentScale(*r.PlusPoints), lang)
			}
		}
		if r.MinusLoan {
			t += " − " + loan
		}
		terms = append(terms, t)
	} else if r.PlusPoints != nil { // a fixed number of points (am-points)
		terms = append(terms, FormatDecimal(*r.PlusPoints, lang)+calc.Text{Ru: " п.п.", En: " pp"}.In(lang))
	}
	if r.LoanShare != nil {
		terms = append(terms, FormatDecimal(*r.LoanShare, lang)+" × "+loan)
	}
	if r.FloorBaseShare != nil && !r.FloorBaseShare.IsZero() { // SPEC §9: a floor tied to the policy rate
		g := decimal.Zero
		if r.BorrowerFloor != nil {
			g = *r.BorrowerFloor
		}
		terms = append(terms, loan+" − ("+FormatDecimal(*r.FloorBaseShare, lang)+" × "+base+" + "+FormatFixed(g, percentScale(g), lang)+")")
	} else if r.BorrowerFloor != nil {
		terms = append(terms, loan+" − "+FormatFixed(*r.BorrowerFloor, percentScale(*r.BorrowerFloor), lang))
	}
	if len(terms) == 0 {
		return T(lang, "prog.rule.given")
	}
	sep := "; "
	text := terms[0]
	if len(terms) > 1 {
		text = "min(" + strings.Join(terms, sep) + ")"
	}
	if r.BaseShare != nil || r.FloorBaseShare != nil {
		text += " — " + T(lang, "prog.fixing."+r.BaseFixing)
	}
	if steps := calc.RuleText(r, lang)[1:]; len(steps) > 0 { // "с 4-го года — 50 % ставки по кредиту"
		text += "; " + strings.Join(steps, "; ")
	}
	return text
}

// getForm is GET /: the calculator form. Query parameters with the form's
// field names fill it in (the result page's "change the inputs" link);
// without them it shows the defaults.
func (s *Server) getForm(c *fiber.Ctx) error {
	lang := Lang(c)
	v := readFormValues(c, true)
	switchTo := "/"
	if len(v) > 0 {
		switchTo = "/?" + v.encode()
	} else {
		v = s.defaultFormValues(lang, calc.FromTime(time.Now()))
	}
	page := s.buildFormPage(lang, v, formErrors{})
	page.Langs = newPageData(lang, switchTo).Langs
	page.Scenarios = formScenarioOptions(formScenarioField(c, true), lang)
	return s.render(c, http.StatusOK, "form.html", page)
}

// resultPage is the data of result.html.
type resultPage struct {
	pageData
	Req           *calc.Request
	Res           *calc.Result
	ProgrammeName string
	LoanAmount    calc.Money
	LoanRate      decimal.Decimal
	DiscountNote  string
	Checks        []checkView
	// Failed are the failed eligibility checks: why nothing is paid.
	Failed   []checkView
	Chart    template.HTML
	Legend   []legendItem
	Hidden   []hiddenField
	EditURL  string
	Workbook bool
	// Columns shown only when they say something: drawdowns after the
	// issue date, a cap that cut the rule's subsidy, any cap at all, the
	// subsidy "if the conditions were met" of an ineligible loan.
	ShowDrawdown, ShowRule, ShowCap, ShowIfEligible bool
	// RatesVary: some period's rates changed inside it (the asterisk and
	// its footnote).
	RatesVary bool
	// RateScale, ShareScale and PartScale are the decimals of the rates,
	// the budget shares and the participants' shares (see percentScale).
	RateScale, ShareScale, PartScale int32
	// CompareURL opens the comparison of this loan (compare.go);
	// ScenarioChart is the fan chart of the scenarios asked for.
	CompareURL    string
	ScenarioChart template.HTML
}

// legendItem is one entry of the chart's legend (HTML, so that it wraps
// on a phone instead of being cut).
type legendItem struct{ Class, Label string }

type checkView struct {
	calc.Check
	Class, Mark, State string
}

type hiddenField struct{ Name, Value string }

func isFormType(mt string) bool {
	return mt == fiber.MIMEApplicationForm || mt == fiber.MIMEMultipartForm
}

// postCalculate is POST /calculate: the form's submission. It answers the
// result page, the form again with every error next to its field (422),
// or with ?format=csv|xlsx the download.
func (s *Server) postCalculate(c *fiber.Ctx) error {
	lang := Lang(c)
	format := ""
	if c.Query("format") != "" {
		f, err := s.responseFormat(c, lang)
		if err != nil {
			return err
		}
		format = f
	}
	if err := s.checkBody(c, lang, isFormType, fiber.MIMEApplicationForm); err != nil {
		return err
	}
	v := readFormValues(c, false)
	req, rowOf, errs := parseForm(v, lang)
	if len(errs) > 0 {
		// Show calc's objections to the readable fields at the same time.
		if err := calc.Validate(req); err != nil {
			mergeCalcErrors(errs, err, rowOf, lang, true)
		}
		return s.renderFormErrors(c, lang, v, errs)
	}
	req.Scenarios = formScenarios(formScenarioField(c, false)) // compare.go, form_scenarios.go
	res, err := s.calculate(req, nil)
	if err != nil {
		var ce *calc.Error
		if errors.As(err, &ce) && ce.Kind == calc.Invalid {
			mergeCalcErrors(errs, ce, rowOf, lang, false)
			return s.renderFormErrors(c, lang, v, errs)
		}
		return err
	}
	if format == formatCSV || format == formatXLSX {
		return s.writeResult(c, format, req, res)
	}
	return s.render(c, http.StatusOK, "result.html", s.buildResultPage(lang, v, req, res))
}

// mergeCalcErrors adds calc's field errors to errs; with skipBad, a field
// that already has a reading error keeps only that one.
func mergeCalcErrors(errs formErrors, err error, rowOf []int, lang string, skipBad bool) {
	var ce *calc.Error
	if !errors.As(err, &ce) {
		return
	}
	bad := map[string]bool{}
	for k := range errs {
		bad[k] = true
	}
	for _, fe := range ce.Fields {
		f := formFieldOf(fe.Field, rowOf)
		if skipBad && bad[f] {
			continue
		}
		if f == fRule {
			// calc names the JSON keys; the form names its fields.
			errs.add(f, T(lang, "err.rule.none"))
			continue
		}
		errs.add(f, fe.In(lang))
	}
}

func (s *Server) renderFormErrors(c *fiber.Ctx, lang string, v formValues, errs formErrors) error {
	page := s.buildFormPage(lang, v, errs)
	page.Langs = newPageData(lang, "/?"+v.encode()).Langs
	page.Scenarios = formScenarioOptions(formScenarioField(c, false), lang)
	return s.render(c, http.StatusUnprocessableEntity, "form.html", page)
}

func (s *Server) buildResultPage(lang string, v formValues, req *calc.Request, res *calc.Result) resultPage {
	p := resultPage{pageData: newPageData(lang, "/?"+v.encode()), Req: req, Res: res, Workbook: s.cfg.Workbook != nil}
	if pr, ok := calc.LookupProgramme(res.Programme.ID); ok {
		p.ProgrammeName = pr.Name().In(lang)
	} else {
		p.ProgrammeName = res.Programme.Name
	}
	p.LoanAmount, _ = calc.MoneyFromDecimal(req.Loan.Amount)
	if req.Loan.Rate != nil {
		p.LoanRate = *req.Loan.Rate
	}
	p.DiscountNote = fmt.Sprintf(T(lang, "res.pv.at"), FormatPercent(res.DiscountRate, lang))
	rates := []decimal.Decimal{p.LoanRate}
	for i := range res.Schedule {
		pr := &res.Schedule[i]
		rates = append(rates, pr.ContractRate, pr.BaseRate, pr.SubsidyRate)
		p.ShowDrawdown = p.ShowDrawdown || pr.Drawdown != 0
		p.ShowRule = p.ShowRule || pr.Subsidy != pr.SubsidyPaid
		p.RatesVary = p.RatesVary || pr.RatesVary
	}
	p.RateScale = percentScale(rates...)
	var shares []decimal.Decimal
	for _, b := range res.BudgetShares {
		shares = append(shares, b.Share)
	}
	p.ShareScale = percentScale(shares...)
	shares = shares[:0]
	for _, pa := range res.Participants {
		shares = append(shares, pa.Share)
	}
	p.PartScale = percentScale(shares...)
	for _, y := range res.Years {
		p.ShowCap = p.ShowCap || y.Cap != nil
	}
	p.ShowIfEligible = !res.Eligible
	p.Legend = chartLegend(lang)
	for _, ch := range res.Checks {
		cv := checkView{Check: ch}
		switch {
		case ch.OK:
			cv.Class, cv.Mark, cv.State = "ok", "✓", T(lang, "res.check.ok")
		case ch.Kind == "warning":
			cv.Class, cv.Mark, cv.State = "warn", "!", T(lang, "res.check.warning")
		case ch.Kind == "info":
			cv.Class, cv.Mark, cv.State = "info", "i", T(lang, "res.check.info")
		default:
			cv.Class, cv.Mark, cv.State = "fail", "✗", T(lang, "res.check.fail")
		}
		p.Checks = append(p.Checks, cv)
		if !ch.OK && ch.Kind == calc.KindEligibility {
			p.Failed = append(p.Failed, cv)
		}
	}
	p.Chart = chartSVG(res, lang)
	keys := make([]string, 0, len(v))
	for k, val := range v {
		if val != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.Hidden = append(p.Hidden, hiddenField{Name: k, Value: v[k]})
	}
	p.EditURL = "/?" + v.encode() + "&lang=" + lang
	p.CompareURL, p.ScenarioChart = "/compare?"+v.encode()+"&lang="+lang, fanChartSVG(res, lang)
	return p
}
