package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/gofiber/fiber/v2"
)

// reconcileRoutes registers SPEC §8: POST /api/v1/reconciliations and the
// page /reconcile.
func (s *Server) reconcileRoutes(api fiber.Router, pages fiber.Router) {
	api.Post("/reconciliations", s.limit, s.postReconciliation)
	pages.Get("/reconcile", s.getReconcile)
	pages.Post("/reconcile", s.limit, s.postReconcilePage)
}

// reconcileBodyLimit bounds a multipart reconciliation: the bank's file
// and the request.
const reconcileBodyLimit = report.MaxBankFileBytes + 1<<20

// reconciliationAnswer is the JSON answer: calc's result and the warnings
// of reading the bank's file.
type reconciliationAnswer struct {
	*calc.Reconciliation
	Warnings []string `json:"warnings,omitempty"`
}

// postReconciliation is POST /api/v1/reconciliations (API.md "Checking a
// bank's schedule"): JSON, or multipart with the request in the field
// request and the bank's xlsx/CSV in the field file.
func (s *Server) postReconciliation(c *fiber.Ctx) error {
	lang := Lang(c)
	format := strings.ToLower(c.Query("format"))
	if format == "" && strings.Contains(c.Get(fiber.HeaderAccept), mimeXLSX) {
		format = formatXLSX
	}
	if format != "" && format != formatJSON && format != formatXLSX {
		return NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
			calc.Text{Ru: "доступны форматы json и xlsx", En: "the formats are json and xlsx"}.In(lang))
	}
	var (
		rreq     *calc.ReconcileRequest
		warnings []report.Warning
		err      error
	)
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	if strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		if len(c.Body()) > reconcileBodyLimit {
			return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
				calc.Text{Ru: "запрос больше " + strconv.Itoa(reconcileBodyLimit>>20) + " МиБ", En: "the request is larger than " + strconv.Itoa(reconcileBodyLimit>>20) + " MiB"}.In(lang))
		}
		form, ferr := c.MultipartForm()
		if ferr != nil {
			return wire.Malformed(lang, calc.Text{Ru: "тело multipart не читается", En: "the multipart body cannot be read"}.In(lang), nil)
		}
		body := ""
		if v := form.Value["request"]; len(v) > 0 {
			body = v[0]
		}
		if strings.TrimSpace(body) == "" {
			return wire.Malformed(lang, calc.Text{Ru: "нет запроса: отправьте его JSON в поле request", En: "no request: send its JSON in the field request"}.In(lang),
				[]FieldProblem{{Field: "request", Message: calc.Text{Ru: "обязательное поле", En: "required"}.In(lang)}})
		}
		if rreq, err = wire.DecodeReconcileRequest([]byte(body), lang); err != nil {
			return err
		}
		if fhs := form.File["file"]; len(fhs) > 0 {
			if len(rreq.BankSchedule) > 0 {
				return wire.BankProblem(lang, []FieldProblem{{Field: "bank_schedule", Message: calc.Text{Ru: "график банка передан и в запросе, и файлом: оставьте одно", En: "the bank's schedule is both in the request and in the file: send one"}.In(lang)}})
			}
			bs, perr := readBankUpload(fhs[0], lang)
			if perr != nil {
				return perr
			}
			rreq.BankSchedule, warnings = bs.Rows, bs.Warnings
		}
	} else {
		if len(c.Body()) > s.cfg.BodyLimit {
			return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
				calc.Text{Ru: "тело запроса больше " + strconv.Itoa(s.cfg.BodyLimit) + " байт", En: "the body is larger than " + strconv.Itoa(s.cfg.BodyLimit) + " bytes"}.In(lang))
		}
		if err := s.checkBody(c, lang, isJSONType, mimeJSON); err != nil {
			return err
		}
		if rreq, err = wire.DecodeReconcileRequest(c.Body(), lang); err != nil {
			return err
		}
	}
	if rreq.Lang == "" {
		rreq.Lang = lang
	}
	rec, err := s.reconcile(rreq)
	if err != nil {
		return err
	}
	outLang := rreq.Lang
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == formatXLSX {
		var b bytes.Buffer
		if err := report.WriteReconciliation(&b, rec, outLang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="reconciliation.xlsx"`)
		return c.Send(b.Bytes())
	}
	ans := reconciliationAnswer{Reconciliation: rec}
	for _, w := range warnings {
		ans.Warnings = append(ans.Warnings, w.In(outLang))
	}
	b, err := json.Marshal(ans)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mimeJSON)
	return c.Send(b)
}

// reconcile runs calc.Reconcile with the server's rate book, within
// Config.CalcTimeout like a calculation (past it: 503); its error keeps
// the request's language.
func (s *Server) reconcile(rreq *calc.ReconcileRequest) (*calc.Reconciliation, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.CalcTimeout)
	defer cancel()
	rec, err := calc.Reconcile(rreq, calc.Options{Rates: s.cfg.Rates, Context: ctx})
	if err != nil {
		lang := LangRu
		if rreq.Lang == LangEn {
			lang = LangEn
		}
		return nil, &langError{err: err, lang: lang}
	}
	return rec, nil
}

// readBankUpload reads the bank's file; its problems are 413 (too large)
// or 422 naming the file or the cells (bank_schedule[3].interest).
func readBankUpload(fh *multipart.FileHeader, lang string) (*report.BankSchedule, error) {
	if fh.Size > report.MaxBankFileBytes {
		return nil, NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			calc.Text{Ru: "файл графика больше " + strconv.Itoa(report.MaxBankFileBytes>>20) + " МиБ", En: "the schedule file is larger than " + strconv.Itoa(report.MaxBankFileBytes>>20) + " MiB"}.In(lang))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, report.MaxBankFileBytes+1))
	if err != nil {
		return nil, err
	}
	bs, err := report.ReadBankSchedule(data)
	if err != nil {
		return nil, wire.BankFileProblem(err, lang)
	}
	return bs, nil
}

// reconcilePage is the data of reconcile.html.
type reconcilePage struct {
	pageData
	Form      formPage
	Tolerance string
	FileError string
	Errors    []string
	Result    *reconcileView
}

// reconcileView is a reconciliation as the page shows it.
type reconcileView struct {
	Rec          *calc.Reconciliation
	Conventions  []conventionRow
	Differences  []differenceRow
	Alternatives []alternativeRow
	More         int    // alternatives not shown
	Columns      string // the compared columns, in the page's language
	Warnings     []string
	Hidden       []hiddenField
}

type conventionRow struct {
	Label, Found, Own string
	Same              bool
}

type differenceRow struct {
	N, BankRow                    string
	Date, Field, Bank, Ours, Diff string
	Cause                         string
	Row                           bool // a payment only one side has
}

type alternativeRow struct {
	Conventions string
	RowsOff     int
	Equivalent  bool
}

func (s *Server) newReconcilePage(lang string, v formValues, errs formErrors) reconcilePage {
	form := s.buildFormPage(lang, v, errs)
	p := reconcilePage{pageData: newPageData(lang, "/reconcile"), Form: form, Tolerance: "0,02"}
	if lang == LangEn {
		p.Tolerance = "0.02"
	}
	for _, it := range form.Summary {
		p.Errors = append(p.Errors, it.Label+": "+it.Message)
	}
	return p
}

// getReconcile is GET /reconcile: the form.
func (s *Server) getReconcile(c *fiber.Ctx) error {
	lang := Lang(c)
	v := s.defaultFormValues(lang, calc.FromTime(time.Now()))
	return s.render(c, http.StatusOK, "reconcile.html", s.newReconcilePage(lang, v, formErrors{}))
}

// postReconcilePage is POST /reconcile: the form with the bank's file
// (multipart). It shows the conventions found and every difference, or
// the form again with the errors (422); with ?format=xlsx the workbook of
// the result (the page posts the bank's rows back for it).
func (s *Server) postReconcilePage(c *fiber.Ctx) error {
	lang := Lang(c)
	if len(c.Body()) > reconcileBodyLimit {
		return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			calc.Text{Ru: "файл слишком большой", En: "the file is too large"}.In(lang))
	}
	form, err := c.MultipartForm()
	if err != nil {
		return NewProblem(http.StatusUnsupportedMediaType, TypeMalformed, lang,
			calc.Text{Ru: "отправьте форму как multipart/form-data", En: "send the form as multipart/form-data"}.In(lang))
	}
	v := readFormValues(c, false)
	req, rowOf, errs := parseForm(v, lang)
	page := func(status int, p reconcilePage) error { return s.render(c, status, "reconcile.html", p) }
	first := func(k string) string {
		if vals := form.Value[k]; len(vals) > 0 {
			return vals[0]
		}
		return ""
	}
	tolText := strings.TrimSpace(first("tolerance"))
	rreq := &calc.ReconcileRequest{Request: *req}
	if tolText != "" {
		if d, ok := formDecimal(errs, "tolerance", tolText, lang, false); ok {
			rreq.Tolerance = &d
		}
	}
	var warnings []report.Warning
	fileErr := ""
	if fhs := form.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
		bs, err := readBankUpload(fhs[0], lang)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				return err
			}
			var msgs []string
			for _, f := range p.Errors {
				msgs = append(msgs, f.Message)
			}
			if len(msgs) == 0 {
				msgs = append(msgs, p.Detail)
			}
			fileErr = strings.Join(msgs, "; ")
		} else {
			rreq.BankSchedule, warnings = bs.Rows, bs.Warnings
		}
	} else if js := first("bank_schedule"); js != "" {
		if err := json.Unmarshal([]byte(js), &rreq.BankSchedule); err != nil {
			fileErr = calc.Text{Ru: "строки графика не прочитаны", En: "the schedule's rows could not be read"}.In(lang)
		}
	} else {
		fileErr = T(lang, "err.parse.required")
	}
	if len(errs) > 0 || fileErr != "" {
		if err := calc.Validate(req); err != nil {
			mergeCalcErrors(errs, err, rowOf, lang, true)
		}
		p := s.newReconcilePage(lang, v, errs)
		p.Tolerance, p.FileError = tolText, fileErr
		if te := errs["tolerance"]; len(te) > 0 {
			p.Errors = append(p.Errors, T(lang, "rec.tolerance")+": "+strings.Join(te, "; "))
		}
		if fileErr != "" {
			p.Errors = append(p.Errors, T(lang, "rec.file")+": "+fileErr)
		}
		return page(http.StatusUnprocessableEntity, p)
	}
	rec, err := s.reconcile(rreq)
	if err != nil {
		var ce *calc.Error
		if !errors.As(err, &ce) || ce.Kind != calc.Invalid {
			return err
		}
		mergeCalcErrors(errs, ce, rowOf, lang, false)
		p := s.newReconcilePage(lang, v, errs)
		p.Tolerance = tolText
		for _, f := range ce.Fields {
			if formFieldOf(f.Field, rowOf) == "" {
				p.Errors = append(p.Errors, f.Field+": "+f.In(lang))
			}
		}
		return page(http.StatusUnprocessableEntity, p)
	}
	if c.Query("format") == formatXLSX {
		var b bytes.Buffer
		if err := report.WriteReconciliation(&b, rec, lang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="reconciliation.xlsx"`)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Send(b.Bytes())
	}
	p := s.newReconcilePage(lang, v, errs)
	p.Tolerance = tolText
	if p.Tolerance == "" {
		p.Tolerance = FormatMoney(rec.Tolerance, lang)
	}
	p.Result = buildReconcileView(rec, lang, warnings)
	for k, val := range v {
		if val != "" {
			p.Result.Hidden = append(p.Result.Hidden, hiddenField{Name: k, Value: val})
		}
	}
	bankJSON, _ := json.Marshal(rreq.BankSchedule)
	p.Result.Hidden = append(p.Result.Hidden, hiddenField{Name: "bank_schedule", Value: string(bankJSON)}, hiddenField{Name: "tolerance", Value: p.Tolerance})
	sortHidden(p.Result.Hidden)
	return page(http.StatusOK, p)
}

func sortHidden(h []hiddenField) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].Name < h[j-1].Name; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// maxAlternativesShown is how many other combinations the page lists.
const maxAlternativesShown = 5

func buildReconcileView(rec *calc.Reconciliation, lang string, warnings []report.Warning) *reconcileView {
	v := &reconcileView{Rec: rec}
	labels := []string{T(lang, "rec.day_count"), T(lang, "rec.accrual_balance"), T(lang, "rec.rounding"), T(lang, "rec.base_fixing")}
	found := conventionTexts(rec.Conventions, lang)
	own := conventionTexts(rec.Own, lang)
	for i, l := range labels {
		v.Conventions = append(v.Conventions, conventionRow{Label: l, Found: found[i], Own: own[i], Same: found[i] == own[i]})
	}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	amt := func(m *calc.Money) string {
		if m == nil {
			return "—"
		}
		return FormatMoney(*m, lang)
	}
	for _, d := range rec.Differences {
		v.Differences = append(v.Differences, differenceRow{
			N: num(d.N), BankRow: num(d.BankRow), Date: FormatDate(d.Date, lang), Field: report.FieldText(d.Field, lang),
			Bank: amt(d.Bank), Ours: amt(d.Ours), Diff: amt(d.Difference), Cause: report.CauseText(d.Cause, lang), Row: d.Field == "row",
		})
	}
	for i, a := range rec.Alternatives {
		if i == maxAlternativesShown {
			v.More = len(rec.Alternatives) - i
			break
		}
		v.Alternatives = append(v.Alternatives, alternativeRow{Conventions: strings.Join(conventionTexts(a.Conventions, lang), ", "), RowsOff: a.RowsOff, Equivalent: a.Equivalent})
	}
	for _, w := range warnings {
		v.Warnings = append(v.Warnings, w.In(lang))
	}
	names := make([]string, len(rec.Columns))
	for i, c := range rec.Columns {
		names[i] = report.FieldText(c, lang)
	}
	v.Columns = strings.Join(names, ", ")
	if v.Columns == "" {
		v.Columns = T(lang, "rec.dates_only")
	}
	return v
}

func conventionTexts(c calc.Conventions, lang string) []string {
	return []string{c.DayCount, report.ConventionText("accrual_balance", c.AccrualBalance, lang),
		report.ConventionText("rounding", c.Rounding, lang), report.ConventionText("base_fixing", c.BaseFixing, lang)}
}

// reconcileMessages are the page's texts, merged into messages.
var reconcileMessages = map[string]calc.Text{
	"nav.reconcile":       {Ru: "Сверка графика банка", En: "Check a bank's schedule"},
	"rec.title":           {Ru: "Сверка графика банка", En: "Checking a bank's schedule"},
	"rec.lead":            {Ru: "Загрузите график, рассчитанный банком: калькулятор пересчитает кредит при всех распространённых соглашениях (базис, остаток для начисления, округление, дата ключевой ставки), найдёт то, при котором совпадает больше всего строк, и перечислит каждое оставшееся расхождение.", En: "Upload the schedule the bank computed: the calculator recomputes the loan under every common convention (day count, accrual balance, rounding, policy-rate fixing), finds the one that matches the most rows and lists every remaining difference."},
	"rec.file":            {Ru: "График банка (xlsx или CSV)", En: "The bank's schedule (xlsx or CSV)"},
	"rec.file.hint":       {Ru: "Столбцы: дата платежа и любые из: остаток долга, основной долг, проценты, субсидия, проценты заёмщика (по ключам date, opening_balance, principal, interest, subsidy, borrower_interest или по русским/английским заголовкам).", En: "Columns: the payment date and any of: opening balance, principal, interest, subsidy, borrower interest (by the keys date, opening_balance, principal, interest, subsidy, borrower_interest or Russian/English headers)."},
	"rec.tolerance":       {Ru: "Допуск, в валюте кредита", En: "Tolerance, in the loan currency"},
	"rec.submit":          {Ru: "Сверить", En: "Check"},
	"rec.errors":          {Ru: "Исправьте ошибки", En: "Please correct the errors"},
	"rec.result":          {Ru: "Результат сверки", En: "Result"},
	"rec.conventions":     {Ru: "Соглашения", En: "Conventions"},
	"rec.found":           {Ru: "Найдено у банка", En: "The bank's"},
	"rec.own":             {Ru: "Условия кредита", En: "The loan's own"},
	"rec.day_count":       {Ru: "Базис начисления", En: "Day count"},
	"rec.accrual_balance": {Ru: "Остаток для начисления", En: "Accrual balance"},
	"rec.rounding":        {Ru: "Округление", En: "Rounding"},
	"rec.base_fixing":     {Ru: "Ключевая ставка", En: "Policy rate"},
	"rec.rows_checked":    {Ru: "Строк у банка", En: "Bank rows"},
	"rec.rows_matching":   {Ru: "Совпали", En: "Matching"},
	"rec.rows_off":        {Ru: "Расходятся", En: "Rows off"},
	"rec.columns":         {Ru: "Сравнены столбцы", En: "Columns compared"},
	"rec.none":            {Ru: "Расхождений нет: каждая строка банка совпала с нашей в пределах допуска.", En: "No differences: every bank row matches ours within the tolerance."},
	"rec.differences":     {Ru: "Расхождения", En: "Differences"},
	"rec.n":               {Ru: "№ платежа", En: "Payment"},
	"rec.bank_row":        {Ru: "Строка банка", En: "Bank row"},
	"rec.date":            {Ru: "Дата", En: "Date"},
	"rec.field":           {Ru: "Показатель", En: "Field"},
	"rec.bank":            {Ru: "Банк", En: "Bank"},
	"rec.ours":            {Ru: "Наш расчёт", En: "Ours"},
	"rec.diff":            {Ru: "Разница", En: "Difference"},
	"rec.cause":           {Ru: "Вероятная причина", En: "Likely cause"},
	"rec.alternatives":    {Ru: "Другие варианты", En: "Other combinations"},
	"rec.alt.rows_off":    {Ru: "строк с расхождениями", En: "rows off"},
	"rec.alt.equivalent":  {Ru: "те же суммы", En: "same figures"},
	"rec.alt.more":        {Ru: "и ещё %d в книге Excel", En: "and %d more in the workbook"},
	"rec.download":        {Ru: "Скачать результат (Excel)", En: "Download the result (Excel)"},
	"rec.warnings":        {Ru: "При чтении файла", En: "Reading the file"},
}

func init() {
	for k, v := range reconcileMessages {
		messages[k] = v
	}
}
