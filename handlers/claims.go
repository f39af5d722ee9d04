package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"
)

// Claims on actual figures (API.md "Claims on actual figures", SPEC §7):
// the JSON API, the register, the page /claims and its downloads.

// claimRoutes registers the claim routes on api (/api/v1) and app.
func (s *Server) claimRoutes(api fiber.Router, app *fiber.App) {
	api.Post("/claims", s.limit, s.postClaimAPI)
	api.Post("/claims/register", s.limit, s.postRegister)
	app.Get("/claims", s.getClaimsPage)
	app.Post("/claims", s.limit, s.postClaimsPage)
	app.Post("/claims/download", s.limit, s.postClaimDownload)
	app.Get("/claims/ledger-template.xlsx", s.getLedgerTemplate)
	app.Get("/claims/ledger-template.csv", s.getLedgerTemplate)
}

// maxLedgerUpload bounds the page's multipart body (a ledger file).
const maxLedgerUpload = 4 << 20

// claimFormat reads ?format= or Accept for a claim: json, csv or xlsx.
func claimFormat(c *fiber.Ctx, lang string, csvOK bool) (string, error) {
	f := strings.ToLower(c.Query("format"))
	if f == "" {
		accept := c.Get(fiber.HeaderAccept)
		switch {
		case strings.Contains(accept, mimeXLSX):
			f = formatXLSX
		case csvOK && strings.Contains(accept, mimeCSV) && !strings.Contains(accept, mimeJSON):
			f = formatCSV
		default:
			f = formatJSON
		}
	}
	if f == formatJSON || f == formatXLSX || csvOK && f == formatCSV {
		return f, nil
	}
	allowed := "json, xlsx"
	if csvOK {
		allowed = "json, csv, xlsx"
	}
	p := NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
		calc.Text{Ru: "неизвестный формат; допустимые: " + allowed, En: "unknown format; allowed: " + allowed}.In(lang))
	p.Errors = []FieldProblem{{Field: "format", Message: calc.Text{Ru: "допустимые значения: " + allowed, En: "allowed values: " + allowed}.In(lang)}}
	return "", p
}

// reqLang is the language a request's own "lang" asks for, else lang.
func reqLang(own, lang string) string {
	if own == LangEn || own == LangRu {
		return own
	}
	return lang
}

// claim runs calc.Claim with the server's rate book; its error keeps the
// request's language.
func (s *Server) claim(req *calc.ClaimRequest) (*calc.ClaimResult, error) {
	res, err := calc.Claim(req, calc.Options{Rates: s.cfg.Rates})
	if err != nil {
		return nil, &langError{err: err, lang: reqLang(req.Lang, LangRu)}
	}
	return res, nil
}

// postClaimAPI is POST /api/v1/claims.
func (s *Server) postClaimAPI(c *fiber.Ctx) error {
	lang := Lang(c)
	format, err := claimFormat(c, lang, true)
	if err != nil {
		return err
	}
	if err := s.checkBody(c, lang, isJSONType, mimeJSON); err != nil {
		return err
	}
	req, err := wire.DecodeClaim(c.Body(), lang)
	if err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = lang
	}
	res, err := s.claim(req)
	if err != nil {
		return err
	}
	return writeClaim(c, format, req, res)
}

// writeClaim answers a claim in format.
func writeClaim(c *fiber.Ctx, format string, req *calc.ClaimRequest, res *calc.ClaimResult) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	var b bytes.Buffer
	switch format {
	case formatCSV:
		if err := report.WriteClaimCSV(&b, res, req.Lang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeCSV+"; charset=utf-8; header=present")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy-claim.csv"`)
	case formatXLSX:
		if err := report.WriteClaim(&b, req, res, req.Lang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy-claim.xlsx"`)
	default:
		if err := json.NewEncoder(&b).Encode(res); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	}
	return c.Send(b.Bytes())
}

// postRegister is POST /api/v1/claims/register. Its body may be as large
// as Config.UploadLimit (10,000 loans with their ledgers).
func (s *Server) postRegister(c *fiber.Ctx) error {
	lang := Lang(c)
	format, err := claimFormat(c, lang, false)
	if err != nil {
		return err
	}
	if len(c.Body()) > s.cfg.UploadLimit {
		return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			calc.Text{Ru: "тело запроса больше " + strconv.Itoa(s.cfg.UploadLimit) + " байт", En: "the body is larger than " + strconv.Itoa(s.cfg.UploadLimit) + " bytes"}.In(lang))
	}
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(ct, mimeJSON) {
		return NewProblem(http.StatusUnsupportedMediaType, TypeBlank, lang,
			calc.Text{Ru: "ожидается " + mimeJSON + " (UTF-8)", En: "send " + mimeJSON + " (UTF-8)"}.In(lang))
	}
	req, err := wire.DecodeRegister(c.Body(), lang)
	if err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = lang
	}
	reg, err := calc.Register(req, calc.Options{Rates: s.cfg.Rates})
	if err != nil {
		return &langError{err: err, lang: reqLang(req.Lang, lang)}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	var b bytes.Buffer
	if format == formatXLSX {
		if err := report.WriteRegister(&b, reg, req.Lang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy-register.xlsx"`)
		return c.Send(b.Bytes())
	}
	if err := json.NewEncoder(&b).Encode(reg); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b.Bytes())
}

// getLedgerTemplate is GET /claims/ledger-template.xlsx and .csv.
func (s *Server) getLedgerTemplate(c *fiber.Ctx) error {
	lang := Lang(c)
	asCSV := strings.HasSuffix(c.Path(), ".csv")
	var b bytes.Buffer
	if err := report.WriteLedgerTemplate(&b, lang, asCSV); err != nil {
		return err
	}
	if asCSV {
		c.Set(fiber.HeaderContentType, mimeCSV+"; charset=utf-8; header=present")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="ledger-template.csv"`)
	} else {
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="ledger-template.xlsx"`)
	}
	return c.Send(b.Bytes())
}

// claimForm holds the page's fields as typed, by name.
type claimForm map[string]string

// claimFields are the page's text fields, in the order of the form.
var claimFields = []string{
	"programme", "p0.country", "p0.share", "p1.country", "p1.share", "p2.country", "p2.share",
	"amount", "currency", "rate", "issue_date", "term_months", "repayment", "frequency", "day_count",
	"borrower", "tax_id", "bank", "bank_code", "contract", "contract_date",
	"ledger", "claims_frequency", "claims_from", "claims_to",
}

func defaultClaimForm(lang string) claimForm {
	return claimForm{
		"programme": "eaeu-industrial", "p0.country": "RU", "p0.share": "40", "p1.country": "BY", "p1.share": "30",
		"p2.country": "KZ", "p2.share": "30", "amount": FormatMoney(calc.Money(100_000_000_000), lang), "currency": "RUB",
		"rate": FormatDecimal(decimal.RequireFromString("22"), lang), "issue_date": "2025-03-14", "term_months": "36",
		"repayment": "annuity", "frequency": "monthly", "day_count": "act/act",
		"borrower": "", "tax_id": "", "bank": "", "bank_code": "", "contract": "", "contract_date": "",
		"ledger":           "type,date,amount,rate,from,to\ndrawdown,2025-03-14,1000000000.00,,,\nrepayment,2025-06-14,50000000.00,,,\noverdue,,15000000.00,,2025-07-14,2025-07-20\nrate_change,2025-09-01,,23,,\n",
		"claims_frequency": "quarterly", "claims_from": "2025-03-14", "claims_to": "2026-01-01",
	}
}

// claimsPage is the data of claims.html.
type claimsPage struct {
	pageData
	Values      claimForm
	Errors      []string
	Programmes  []option
	Countries   []option
	Currencies  []string
	Selects     map[string][]option
	Parts       []partView
	Parties     []textField
	Res         *calc.ClaimResult
	Periods     []claimPeriodView
	RequestJSON string
}

type partView struct {
	N          int
	Key, Share string
	Countries  []option
}

type textField struct{ Name, Label, Value string }

type claimPeriodView struct {
	calc.ClaimPeriod
	N      int
	Last   calc.Date
	Causes string
	Rows   []claimRowView
}

type claimRowView struct {
	calc.ClaimRow
	Last calc.Date
	Base string // the policy rate, formatted; "" when the rule uses none
}

func (s *Server) claimsPageData(lang string, v claimForm) claimsPage {
	p := claimsPage{pageData: newPageData(lang, "/claims"), Values: v, Currencies: calc.Currencies}
	for _, pr := range calc.Programmes() {
		p.Programmes = append(p.Programmes, option{Value: pr.ID, Label: pr.Name().In(lang), Selected: pr.ID == v["programme"]})
	}
	for _, c := range calc.MemberStates {
		p.Countries = append(p.Countries, option{Value: c, Label: countryName(c, lang)})
	}
	sel := func(field string, values ...string) []option {
		var o []option
		for _, x := range values {
			// The names the calculator's form shows (repayment.annuity …).
			label := T(lang, field+"."+x)
			if field == "claims_frequency" {
				label = T(lang, "claims."+x)
			}
			o = append(o, option{Value: x, Label: label, Selected: v[field] == x})
		}
		return o
	}
	p.Selects = map[string][]option{
		"repayment":        sel("repayment", calc.Repayments()...),
		"frequency":        sel("frequency", calc.Frequencies()...),
		"day_count":        sel("day_count", calc.DayCounts()...),
		"claims_frequency": sel("claims_frequency", "monthly", "quarterly"),
	}
	for i := range 3 {
		key := "p" + strconv.Itoa(i)
		pv := partView{N: i + 1, Key: key, Share: v[key+".share"]}
		for _, c := range calc.MemberStates {
			pv.Countries = append(pv.Countries, option{Value: c, Label: countryName(c, lang), Selected: v[key+".country"] == c})
		}
		p.Parts = append(p.Parts, pv)
	}
	for _, f := range []string{"borrower", "tax_id", "bank", "bank_code", "contract"} {
		p.Parties = append(p.Parties, textField{Name: f, Label: T(lang, "claims.field."+f), Value: v[f]})
	}
	return p
}

// getClaimsPage is GET /claims: the claim form.
func (s *Server) getClaimsPage(c *fiber.Ctx) error {
	lang := Lang(c)
	v := defaultClaimForm(lang)
	return s.render(c, http.StatusOK, "claims.html", s.claimsPageData(lang, v))
}

// postClaimsPage is POST /claims: the form's submission (urlencoded or
// multipart with a ledger file). It answers the page with the claim, or
// the form again with the errors (422).
func (s *Server) postClaimsPage(c *fiber.Ctx) error {
	lang := Lang(c)
	if len(c.Body()) > maxLedgerUpload {
		return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			calc.Text{Ru: "форма больше 4 МиБ", En: "the form is larger than 4 MiB"}.In(lang))
	}
	ct := c.Get(fiber.HeaderContentType)
	if !strings.HasPrefix(ct, fiber.MIMEApplicationForm) && !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		return NewProblem(http.StatusUnsupportedMediaType, TypeBlank, lang,
			calc.Text{Ru: "ожидается форма (application/x-www-form-urlencoded или multipart/form-data)", En: "send a form (application/x-www-form-urlencoded or multipart/form-data)"}.In(lang))
	}
	v := claimForm{}
	for _, f := range claimFields {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	var file []byte
	if fh, err := c.FormFile("ledger_file"); err == nil && fh.Size > 0 {
		fr, err := fh.Open()
		if err == nil {
			file, err = io.ReadAll(io.LimitReader(fr, maxLedgerUpload+1))
			fr.Close()
		}
		if err != nil {
			file = nil
		}
	}
	req, errs := parseClaimForm(v, file, lang)
	page := s.claimsPageData(lang, v)
	if len(errs) == 0 {
		res, err := calc.Claim(req, calc.Options{Rates: s.cfg.Rates})
		if err != nil {
			var ce *calc.Error
			if !errors.As(err, &ce) {
				return err
			}
			for _, f := range ce.Fields {
				errs = append(errs, claimFieldLabel(f.Field, lang)+": "+f.In(lang))
			}
		} else {
			b, _ := json.Marshal(req)
			page.Res, page.RequestJSON = res, string(b)
			for i, p := range res.Periods {
				pv := claimPeriodView{ClaimPeriod: p, N: i + 1, Last: p.To - 1}
				var cs []string
				for _, k := range p.Causes {
					cs = append(cs, T(lang, "claims.cause."+k))
				}
				pv.Causes = strings.Join(cs, ", ")
				for _, r := range p.Rows {
					rv := claimRowView{ClaimRow: r, Last: r.To - 1}
					if r.BaseRate != nil {
						rv.Base = FormatPercent(*r.BaseRate, lang)
					}
					pv.Rows = append(pv.Rows, rv)
				}
				page.Periods = append(page.Periods, pv)
			}
			// A ledger read from a file is shown in the text area, so that
			// the next submission keeps it.
			if file != nil {
				page.Values["ledger"] = ledgerText(req.Ledger)
			}
			return s.render(c, http.StatusOK, "claims.html", page)
		}
	}
	page.Errors = errs
	return s.render(c, http.StatusUnprocessableEntity, "claims.html", page)
}

// claimFieldLabel names a calc field path for the page: ledger entries
// by their line in the table (line 1 is the header).
func claimFieldLabel(path, lang string) string {
	if rest, ok := strings.CutPrefix(path, "ledger["); ok {
		if idx, tail, ok := strings.Cut(rest, "]"); ok {
			if i, err := strconv.Atoi(idx); err == nil {
				return calc.Text{Ru: "операции, строка " + strconv.Itoa(i+2) + " (" + strings.TrimPrefix(tail, ".") + ")", En: "ledger, line " + strconv.Itoa(i+2) + " (" + strings.TrimPrefix(tail, ".") + ")"}.In(lang)
			}
		}
	}
	return path
}

// ledgerText writes a ledger as the page's CSV text.
func ledgerText(l []calc.LedgerEntry) string {
	var b strings.Builder
	b.WriteString("type,date,amount,rate,from,to\n")
	d := func(x calc.Date) string {
		if x == 0 {
			return ""
		}
		return x.String()
	}
	for _, e := range l {
		amt, rate := "", ""
		if !e.Amount.IsZero() {
			amt = e.Amount.String()
		}
		if e.Rate != nil {
			rate = e.Rate.String()
		}
		b.WriteString(strings.Join([]string{e.Type, d(e.Date), amt, rate, d(e.From), d(e.To)}, ",") + "\n")
	}
	return b.String()
}

// parseClaimForm builds the claim request of the page's fields; file,
// when given, is the uploaded ledger and replaces the text area.
func parseClaimForm(v claimForm, file []byte, lang string) (*calc.ClaimRequest, []string) {
	var errs []string
	bad := func(label, msg string) { errs = append(errs, label+": "+msg) }
	num := func(field string, required bool) decimal.Decimal {
		s := v[field]
		if s == "" {
			if required {
				bad(T(lang, "claims.field."+field), T(lang, "err.parse.required"))
			}
			return decimal.Decimal{}
		}
		d, err := calc.ParseNumber(s, lang)
		if err != nil {
			bad(T(lang, "claims.field."+field), T(lang, "err.parse.decimal"))
		}
		return d
	}
	date := func(field string, required bool) calc.Date {
		s := v[field]
		if s == "" {
			if required {
				bad(T(lang, "claims.field."+field), T(lang, "err.parse.required"))
			}
			return 0
		}
		d, err := parseFormDate(s)
		if err != nil {
			bad(T(lang, "claims.field."+field), T(lang, "err.parse.date"))
		}
		return d
	}
	req := &calc.ClaimRequest{Lang: lang}
	req.Subsidy.Programme = v["programme"]
	for i := range 3 {
		c, sh := v["p"+strconv.Itoa(i)+".country"], v["p"+strconv.Itoa(i)+".share"]
		if c == "" && sh == "" {
			continue
		}
		req.Project.Participants = append(req.Project.Participants, calc.Participant{Country: c, Share: num("p"+strconv.Itoa(i)+".share", true)})
	}
	req.Loan.Amount = num("amount", true)
	req.Loan.Currency = v["currency"]
	rate := num("rate", true)
	req.Loan.Rate = &rate
	req.Loan.IssueDate = date("issue_date", true)
	if n, err := strconv.Atoi(v["term_months"]); err == nil {
		req.Loan.TermMonths = n
	} else {
		bad(T(lang, "claims.field.term_months"), T(lang, "err.parse.int"))
	}
	req.Loan.Repayment, req.Loan.Frequency, req.Loan.DayCount = v["repayment"], v["frequency"], v["day_count"]
	req.Borrower = calc.Party{Name: v["borrower"], TaxID: v["tax_id"]}
	req.Bank = calc.Party{Name: v["bank"], Code: v["bank_code"]}
	req.Contract.Number = v["contract"]
	if d := date("contract_date", false); d != 0 {
		req.Contract.Date = &d
	}
	req.Claims = calc.ClaimPeriods{Frequency: v["claims_frequency"], From: date("claims_from", true), To: date("claims_to", true)}
	src := file
	if src == nil {
		src = []byte(v["ledger"])
	}
	ledger, err := report.ReadLedger(src)
	if err != nil {
		var ce *calc.Error
		if errors.As(err, &ce) {
			for _, f := range ce.Fields {
				bad(T(lang, "claims.ledger"), f.Field+": "+f.In(lang))
			}
		} else {
			bad(T(lang, "claims.ledger"), err.Error())
		}
	}
	req.Ledger = ledger
	return req, errs
}

// postClaimDownload is POST /claims/download?format=xlsx|csv: the page's
// download buttons, which post the claim request as JSON in the field
// "request".
func (s *Server) postClaimDownload(c *fiber.Ctx) error {
	lang := Lang(c)
	format, err := claimFormat(c, lang, true)
	if err != nil {
		return err
	}
	if err := s.checkBody(c, lang, isFormType, fiber.MIMEApplicationForm); err != nil {
		return err
	}
	req, err := wire.DecodeClaim([]byte(c.FormValue("request")), lang)
	if err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = lang
	}
	res, err := s.claim(req)
	if err != nil {
		return err
	}
	return writeClaim(c, format, req, res)
}

// claimsMessages are the texts of the claims page.
var claimsMessages = map[string]calc.Text{
	"nav.claims":                    {Ru: "Заявка на субсидию", En: "Subsidy claim"},
	"claims.title":                  {Ru: "Заявка на субсидию по фактическим данным", En: "Subsidy claim on actual figures"},
	"claims.lead":                   {Ru: "Расчёт размера субсидии за месяц или квартал по тому, что произошло на самом деле: выдачи, погашения (в том числе досрочные), изменения ставки, просрочка. Остатки долга берутся только из операций; план (график) показан для сравнения.", En: "The subsidy claimed for a month or quarter on what really happened: drawdowns, repayments (early ones too), rate notices, overdue principal. Balances come from the ledger alone; the plan (the schedule) is shown for comparison."},
	"claims.loan":                   {Ru: "Кредит и программа", En: "Loan and programme"},
	"claims.parties":                {Ru: "Стороны (для печатной формы)", En: "Parties (for the printed form)"},
	"claims.ledger":                 {Ru: "Операции по кредиту", En: "Ledger"},
	"claims.ledger.hint":            {Ru: "Одна строка — одна операция, по порядку дат; столбцы type,date,amount,rate,from,to. type: drawdown (выдача), repayment (погашение), rate_change (ставка), overdue (просрочка: from, to — первый день после просрочки, amount).", En: "One line per fact, in date order; columns type,date,amount,rate,from,to. type: drawdown, repayment, rate_change, overdue (from, to = the first day no longer overdue, amount)."},
	"claims.ledger.file":            {Ru: "или файл операций (xlsx или CSV)", En: "or a ledger file (xlsx or CSV)"},
	"claims.ledger.file.hint":       {Ru: "Файл заменяет текст выше. Столбцы по ключам, как в шаблоне.", En: "A file replaces the text above. Columns by key, as in the template."},
	"claims.template":               {Ru: "Шаблон операций (xlsx)", En: "Ledger template (xlsx)"},
	"claims.template.csv":           {Ru: "Шаблон операций (CSV)", En: "Ledger template (CSV)"},
	"claims.periods":                {Ru: "Периоды заявки", En: "Claim periods"},
	"claims.submit":                 {Ru: "Рассчитать заявку", En: "Compute the claim"},
	"claims.errors":                 {Ru: "Исправьте ошибки", En: "Please correct the errors"},
	"claims.result":                 {Ru: "Заявка по периодам", En: "The claim by period"},
	"claims.ineligible":             {Ru: "Кредит не соответствует условиям программы: к выплате 0. Суммы «заявлено» показывают, что программа выплатила бы при выполнении условий.", En: "The loan does not meet the programme's conditions: nothing is payable. The claimed amounts show what the programme would pay if the conditions were met."},
	"claims.col.period":             {Ru: "Период", En: "Period"},
	"claims.col.claimed":            {Ru: "Заявлено", En: "Claimed"},
	"claims.col.payable":            {Ru: "К выплате", En: "Payable"},
	"claims.col.planned":            {Ru: "По плану", En: "Planned"},
	"claims.col.difference":         {Ru: "Отклонение", En: "Difference"},
	"claims.col.causes":             {Ru: "Причины", En: "Causes"},
	"claims.col.cap":                {Ru: "Лимит", En: "Cap"},
	"claims.col.from":               {Ru: "С", En: "From"},
	"claims.col.to":                 {Ru: "По", En: "To"},
	"claims.col.days":               {Ru: "Дней", En: "Days"},
	"claims.col.balance":            {Ru: "Остаток", En: "Balance"},
	"claims.col.overdue":            {Ru: "Просрочено", En: "Overdue"},
	"claims.col.base":               {Ru: "Ставка ЦБ", En: "Policy rate"},
	"claims.col.rule":               {Ru: "Ставка субсидии", En: "Subsidy rate"},
	"claims.col.amount_rule":        {Ru: "По правилу", En: "By the rule"},
	"claims.col.loan":               {Ru: "Ставка по кредиту", En: "Loan rate"},
	"claims.col.amount_limit":       {Ru: "По предельной ставке", En: "At the limit"},
	"claims.col.amount":             {Ru: "Субсидия", En: "Subsidy"},
	"claims.total":                  {Ru: "Итого", En: "Total"},
	"claims.rows":                   {Ru: "Расчёт по строкам", En: "Rows"},
	"claims.download.xlsx":          {Ru: "Скачать форму расчёта (xlsx)", En: "Download the form (xlsx)"},
	"claims.download.csv":           {Ru: "Скачать строки (CSV)", En: "Download the rows (CSV)"},
	"claims.checks":                 {Ru: "Проверки", En: "Checks"},
	"claims.cause.repayment":        {Ru: "погашение", En: "repayment"},
	"claims.cause.drawdown":         {Ru: "выдача", En: "drawdown"},
	"claims.cause.rate_change":      {Ru: "ставка по кредиту", En: "loan rate"},
	"claims.cause.overdue":          {Ru: "просрочка", En: "overdue"},
	"claims.cause.cap":              {Ru: "годовой лимит", En: "annual cap"},
	"claims.field.programme":        {Ru: "Программа", En: "Programme"},
	"claims.field.participants":     {Ru: "Участники (страна, доля %)", En: "Participants (country, share %)"},
	"claims.field.p0.share":         {Ru: "Доля участника 1", En: "Share of participant 1"},
	"claims.field.p1.share":         {Ru: "Доля участника 2", En: "Share of participant 2"},
	"claims.field.p2.share":         {Ru: "Доля участника 3", En: "Share of participant 3"},
	"claims.field.amount":           {Ru: "Сумма кредита", En: "Loan amount"},
	"claims.field.currency":         {Ru: "Валюта", En: "Currency"},
	"claims.field.rate":             {Ru: "Ставка по кредиту, % годовых", En: "Loan rate, % a year"},
	"claims.field.issue_date":       {Ru: "Дата выдачи", En: "Issue date"},
	"claims.field.term_months":      {Ru: "Срок, месяцев", En: "Term, months"},
	"claims.field.repayment":        {Ru: "Погашение по графику", En: "Scheduled repayment"},
	"claims.field.frequency":        {Ru: "Периодичность платежей", En: "Payment frequency"},
	"claims.field.day_count":        {Ru: "База начисления", En: "Day count"},
	"claims.field.borrower":         {Ru: "Заёмщик", En: "Borrower"},
	"claims.field.tax_id":           {Ru: "ИНН заёмщика", En: "Borrower's taxpayer number"},
	"claims.field.bank":             {Ru: "Банк", En: "Bank"},
	"claims.field.bank_code":        {Ru: "БИК банка", En: "Bank code"},
	"claims.field.contract":         {Ru: "Номер кредитного договора", En: "Contract number"},
	"claims.field.contract_date":    {Ru: "Дата договора", En: "Contract date"},
	"claims.field.claims_frequency": {Ru: "Период заявки", En: "Claim period"},
	"claims.field.claims_from":      {Ru: "С", En: "From"},
	"claims.field.claims_to":        {Ru: "По (не включая)", En: "To (exclusive)"},
	"claims.monthly":                {Ru: "месяц", En: "month"},
	"claims.quarterly":              {Ru: "квартал", En: "quarter"},
}

func init() {
	for k, v := range claimsMessages {
		messages[k] = v
	}
}
