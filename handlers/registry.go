package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/wire"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"
)

// maxRegistryAmount bounds a budget: 10^15 in the currency (a thousand
// times any envelope on record), so that sums of many stay far from the
// int64 of minor units.
var maxRegistryAmount = decimal.New(1, 15)

// The registry (API.md "The registry"): budgets, agreements, claims,
// commitments against the envelope and the audit log, kept in
// Config.Registry. Every route needs a bearer token: a viewer reads, an
// officer writes.

const localToken localKey = 100 // the authenticated storage.Token

// registryRoutes registers the registry API.
func (s *Server) registryRoutes(api fiber.Router) {
	view, edit := s.authorize(storage.RoleViewer), s.authorize(storage.RoleOfficer)
	js := s.jsonBody
	api.Put("/budgets/:programme/:year", edit, js, s.putBudget)
	api.Get("/budgets/:programme", view, s.getBudgets)
	api.Post("/agreements", edit, js, s.limit, s.postAgreement)
	api.Get("/agreements", view, s.getAgreements)
	api.Get("/agreements/:id", view, s.getAgreement)
	api.Patch("/agreements/:id", edit, js, s.patchAgreement)
	api.Get("/agreements/:id/recompute", view, s.limit, s.recomputeAgreement)
	api.Get("/agreements/:id/claims", view, s.getClaims)
	api.Post("/agreements/:id/claims", edit, js, s.postClaim)
	api.Patch("/agreements/:id/claims/:cid", edit, js, s.patchClaim)
	api.Get("/commitments", view, s.getCommitments)
	api.Get("/audit", view, s.getAudit)
}

// authorize admits a request whose bearer token has role (an officer may
// do what a viewer may): no or an unknown token is 401, too small a role
// 403. The token itself is never logged or echoed.
func (s *Server) authorize(role string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		lang := Lang(c)
		if err := checkQuery(c); err != nil {
			return err
		}
		if s.cfg.Registry == nil {
			return NewProblem(http.StatusServiceUnavailable, TypeBlank, lang,
				calc.Text{Ru: "реестр не подключён: сервис запущен без базы данных", En: "the registry is not configured: the service runs without a database"}.In(lang))
		}
		secret, ok := bearer(c.Get(fiber.HeaderAuthorization))
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="subsidy"`)
			return NewProblem(http.StatusUnauthorized, TypeBlank, lang,
				calc.Text{Ru: "нужен заголовок Authorization: Bearer <токен> (токен выдаёт команда subsidy token create)", En: "an Authorization: Bearer <token> header is required (subsidy token create issues tokens)"}.In(lang))
		}
		tok, err := s.cfg.Registry.Authenticate(c.UserContext(), secret)
		if errors.Is(err, storage.ErrNotFound) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="subsidy", error="invalid_token"`)
			return NewProblem(http.StatusUnauthorized, TypeBlank, lang, calc.Text{Ru: "токен не найден", En: "unknown token"}.In(lang))
		}
		if err != nil {
			return err
		}
		if role == storage.RoleOfficer && tok.Role != storage.RoleOfficer {
			return NewProblem(http.StatusForbidden, TypeBlank, lang,
				calc.Text{Ru: "у токена роль viewer: изменять реестр может только officer", En: "the token's role is viewer: only an officer may change the registry"}.In(lang))
		}
		c.Locals(localToken, tok)
		return c.Next()
	}
}

// bearer takes the token out of an Authorization header.
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// actor names who acts: the token's name and the start of its id.
func actor(c *fiber.Ctx) string {
	tok, _ := c.Locals(localToken).(storage.Token)
	return tok.Name + " (" + tok.ID[:min(8, len(tok.ID))] + ")"
}

// decodeStrict decodes a small JSON body into v as the calculation
// requests are decoded (json v2): unknown and duplicate members, trailing
// data and invalid UTF-8 are refused, and so is a NUL character in a
// string (PostgreSQL cannot store one). A failure is a 400 naming the
// field by its path ("contributions[0].share").
func decodeStrict(body []byte, v any, lang string) error {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if len(bytes.TrimSpace(body)) == 0 {
		return wire.Malformed(lang, calc.Text{Ru: "пустое тело запроса: ожидается JSON-объект", En: "empty body: a JSON object is expected"}.In(lang), nil)
	}
	if bytes.IndexByte(body, 0) >= 0 || bytes.Contains(body, []byte(`\u0000`)) {
		return wire.Malformed(lang, calc.Text{Ru: "строка содержит символ NUL", En: "a string contains a NUL character"}.In(lang), nil)
	}
	if err := jsonv2.Unmarshal(body, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		fp, detail := wire.DescribeJSONError(err, lang)
		var fields []FieldProblem
		if fp != nil {
			fields = append(fields, *fp)
		}
		return wire.Malformed(lang, detail, fields)
	}
	return nil
}

// decText is a decimal given in JSON as a string ("5000.00") or, as the
// API allows on input, a number (5000).
type decText string

// UnmarshalJSON takes a JSON string or number.
func (d *decText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := jsonv2.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decText(s)
		return nil
	}
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return errors.New("want a decimal number")
	}
	*d = decText(b)
	return nil
}

// checkQuery refuses a query parameter that is not valid UTF-8 or holds a
// NUL character (400 naming it): neither is a value any route takes, and
// PostgreSQL cannot compare text with them.
func checkQuery(c *fiber.Ctx) error {
	var bad string
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if bad == "" && (!utf8.Valid(k) || !utf8.Valid(v) || bytes.IndexByte(k, 0) >= 0 || bytes.IndexByte(v, 0) >= 0) {
			bad = strings.ToValidUTF8(strings.ReplaceAll(string(k), "\x00", ""), "?")
		}
	})
	if bad == "" {
		return nil
	}
	lang := Lang(c)
	return wire.Malformed(lang, calc.Text{Ru: "недопустимые символы в параметре запроса", En: "invalid characters in a query parameter"}.In(lang),
		[]FieldProblem{{Field: bad, Message: calc.Text{Ru: "ожидается текст UTF-8 без символа NUL", En: "UTF-8 text without NUL characters is expected"}.In(lang)}})
}

// jsonBody refuses a body that is not JSON (415), as the calculation
// route does.
func (s *Server) jsonBody(c *fiber.Ctx) error {
	if err := s.checkBody(c, Lang(c), isJSONType, mimeJSON); err != nil {
		return err
	}
	return c.Next()
}

// invalidFields is a 422 listing fields.
func invalidFields(lang string, fields ...FieldProblem) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, TypeInvalid, lang,
		calc.Text{Ru: "запрос не прошёл проверку: исправьте перечисленные поля", En: "the request failed validation: correct the fields listed"}.In(lang))
	p.Errors = fields
	return p
}

// putBudget is PUT /api/v1/budgets/{programme}/{year}.
func (s *Server) putBudget(c *fiber.Ctx) error {
	lang := Lang(c)
	var in struct {
		Amount        decText `json:"amount"`
		Currency      string  `json:"currency"`
		Contributions []struct {
			Country string  `json:"country"`
			Share   decText `json:"share"`
		} `json:"contributions"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	var bad []FieldProblem
	prog, ok := calc.LookupProgramme(c.Params("programme"))
	if !ok {
		bad = append(bad, FieldProblem{Field: "programme", Message: calc.Text{Ru: "неизвестная программа", En: "unknown programme"}.In(lang)})
	}
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil || year < 2000 || year > 2100 {
		bad = append(bad, FieldProblem{Field: "year", Message: calc.Text{Ru: "год от 2000 до 2100", En: "a year from 2000 to 2100"}.In(lang)})
	}
	var amount calc.Money
	if d, err := wire.ParseDecimal(string(in.Amount)); err != nil || d.IsNegative() || d.GreaterThan(maxRegistryAmount) {
		bad = append(bad, FieldProblem{Field: "amount", Message: calc.Text{Ru: "сумма: неотрицательное число не больше 10¹⁵", En: "amount: a non-negative number up to 10^15"}.In(lang)})
	} else if amount, err = calc.MoneyFromDecimal(d); err != nil {
		bad = append(bad, FieldProblem{Field: "amount", Message: err.Error()})
	}
	if len(in.Currency) != 3 || strings.ToUpper(in.Currency) != in.Currency {
		bad = append(bad, FieldProblem{Field: "currency", Message: calc.Text{Ru: "код валюты ISO 4217 (RUB)", En: "an ISO 4217 currency code (RUB)"}.In(lang)})
	}
	b := storage.Budget{Programme: prog.ID, Year: year, Amount: amount, Currency: in.Currency, Contributions: []calc.CountryShare{}}
	sum := decimal.Zero
	for i, cs := range in.Contributions {
		f := "contributions[" + strconv.Itoa(i) + "]"
		if !slices.Contains(calc.MemberStates, cs.Country) {
			bad = append(bad, FieldProblem{Field: f + ".country", Message: calc.Text{Ru: "государство — член ЕАЭС (AM BY KZ KG RU)", En: "a member state (AM BY KZ KG RU)"}.In(lang)})
		} else if slices.ContainsFunc(b.Contributions, func(x calc.CountryShare) bool { return x.Country == cs.Country }) {
			bad = append(bad, FieldProblem{Field: f + ".country", Message: calc.Text{Ru: "государство указано дважды", En: "the state is listed twice"}.In(lang)})
		}
		d, err := wire.ParseDecimal(string(cs.Share))
		if err != nil || !d.IsPositive() {
			bad = append(bad, FieldProblem{Field: f + ".share", Message: calc.Text{Ru: "доля в процентах больше 0", En: "a share in percent above 0"}.In(lang)})
			continue
		}
		sum = sum.Add(d)
		b.Contributions = append(b.Contributions, calc.CountryShare{Country: cs.Country, Share: d})
	}
	if len(in.Contributions) > 0 && !sum.Equal(decimal.NewFromInt(100)) {
		bad = append(bad, FieldProblem{Field: "contributions", Message: calc.Text{Ru: "доли в сумме должны давать 100", En: "the shares must add up to 100"}.In(lang)})
	}
	if len(bad) > 0 {
		return invalidFields(lang, bad...)
	}
	if len(b.Contributions) == 0 {
		b.Contributions = prog.Contributions
	}
	b.Stamp = storage.Stamp{RulesVersion: prog.RulesVersion, RatesHash: s.ratesHash, InputHash: hashJSON(b.Contributions, b.Amount, b.Currency), CreatedBy: actor(c)}
	if err := s.cfg.Registry.PutBudget(c.UserContext(), &b); err != nil {
		return err
	}
	return c.JSON(b)
}

// getBudgets is GET /api/v1/budgets/{programme}.
func (s *Server) getBudgets(c *fiber.Ctx) error {
	list, err := s.cfg.Registry.Budgets(c.UserContext(), c.Params("programme"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"programme": c.Params("programme"), "budgets": list})
}

// postAgreement is POST /api/v1/agreements: the request is computed now
// and stored with its result, so commitments never recompute it.
func (s *Server) postAgreement(c *fiber.Ctx) error {
	lang := Lang(c)
	var in struct {
		Number  string          `json:"number"`
		Date    string          `json:"date"`
		Bank    string          `json:"bank"`
		Status  string          `json:"status"`
		Request json.RawMessage `json:"request"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	var bad []FieldProblem
	if strings.TrimSpace(in.Number) == "" {
		bad = append(bad, FieldProblem{Field: "number", Message: calc.Text{Ru: "номер соглашения обязателен", En: "the agreement number is required"}.In(lang)})
	}
	if _, err := calc.ParseDate(in.Date); err != nil {
		bad = append(bad, FieldProblem{Field: "date", Message: calc.Text{Ru: "дата ГГГГ-ММ-ДД", En: "a date YYYY-MM-DD"}.In(lang)})
	}
	if in.Status == "" {
		in.Status = "applied"
	}
	if !slices.Contains(storage.AgreementStatuses, in.Status) {
		bad = append(bad, FieldProblem{Field: "status", Message: calc.Text{Ru: "одно из: ", En: "one of: "}.In(lang) + strings.Join(storage.AgreementStatuses, ", ")})
	}
	if len(in.Request) == 0 || string(in.Request) == "null" {
		bad = append(bad, FieldProblem{Field: "request", Message: calc.Text{Ru: "расчётный запрос обязателен", En: "the calculation request is required"}.In(lang)})
	}
	if len(bad) > 0 {
		return invalidFields(lang, bad...)
	}
	req, res, err := s.computeStored(in.Request, lang)
	if err != nil {
		return err
	}
	a := storage.Agreement{Number: in.Number, Date: in.Date, Bank: in.Bank, Status: in.Status}
	s.fillAgreement(&a, req, res)
	a.CreatedBy = actor(c)
	if err := s.cfg.Registry.CreateAgreement(c.UserContext(), &a); err != nil {
		return err
	}
	c.Status(http.StatusCreated)
	c.Location("/api/v1/agreements/" + a.ID)
	return c.JSON(a)
}

// computeStored decodes and computes a stored calculation request; its
// problems name fields under "request.".
func (s *Server) computeStored(raw []byte, lang string) (*calc.Request, *calc.Result, error) {
	req, err := wire.DecodeRequest(raw, lang)
	if err == nil {
		if req.Lang == "" {
			req.Lang = lang
		}
		var res *calc.Result
		if res, err = s.calculate(req, nil); err == nil {
			return req, res, nil
		}
	}
	p, _ := problemFor(err, lang)
	for i := range p.Errors {
		p.Errors[i].Field = "request." + p.Errors[i].Field
	}
	return nil, nil, p
}

// fillAgreement puts what is stored of a computation into a: the summary,
// the result, the plan by year and what each country's enterprises
// receive by year, and the stamp.
func (s *Server) fillAgreement(a *storage.Agreement, req *calc.Request, res *calc.Result) {
	a.Programme, a.Currency = res.Programme.ID, res.Currency
	a.Eligible, a.SubsidyPayable = res.Eligible, res.Totals.SubsidyPayable
	a.Request, _ = json.Marshal(req)
	a.Result = wire.EncodeResult(res)
	a.Years, a.Benefits = nil, nil
	w := make([]decimal.Decimal, len(res.Participants))
	for i, p := range res.Participants {
		w[i] = p.Share
	}
	for _, y := range res.Years {
		ay := storage.AgreementYear{Year: y.Year, Payable: y.SubsidyPayable}
		if y.FXRate != nil && res.Programme.Cap != nil {
			ay.FX, ay.FXCurrency = y.FXRate.String(), res.Programme.Cap.Currency
		}
		a.Years = append(a.Years, ay)
		if len(w) == 0 || y.SubsidyPayable == 0 {
			continue
		}
		byCountry := map[string]calc.Money{}
		for i, m := range calc.SplitLargestRemainder(y.SubsidyPayable, w) {
			byCountry[res.Participants[i].Country] += m
		}
		for _, country := range calc.MemberStates {
			if m, ok := byCountry[country]; ok {
				a.Benefits = append(a.Benefits, storage.CountryYear{Year: y.Year, Country: country, Amount: m})
			}
		}
	}
	a.Stamp = storage.Stamp{RulesVersion: res.Programme.RulesVersion, RatesHash: s.ratesHash, InputHash: hashJSON(a.Request)}
}

// hashJSON is the SHA-256, in hex, of the JSON encoding of vs: encoding/json
// writes struct fields in their order and map keys sorted, so equal values
// give equal hashes.
func hashJSON(vs ...any) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range vs {
		enc.Encode(v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// getAgreements is GET /api/v1/agreements?programme=&status=.
func (s *Server) getAgreements(c *fiber.Ctx) error {
	list, err := s.cfg.Registry.Agreements(c.UserContext(), c.Query("programme"), c.Query("status"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"agreements": list})
}

// agreement loads the agreement named in the path, or answers 404.
func (s *Server) agreement(c *fiber.Ctx) (storage.Agreement, error) {
	id := c.Params("id")
	if !validRecordID(id) {
		lang := Lang(c)
		return storage.Agreement{}, NewProblem(http.StatusNotFound, TypeBlank, lang, calc.Text{Ru: "соглашение не найдено", En: "no such agreement"}.In(lang))
	}
	a, err := s.cfg.Registry.Agreement(c.UserContext(), id)
	if errors.Is(err, storage.ErrNotFound) {
		lang := Lang(c)
		return a, NewProblem(http.StatusNotFound, TypeBlank, lang, calc.Text{Ru: "соглашение не найдено", En: "no such agreement"}.In(lang))
	}
	return a, err
}

// validRecordID reports whether id has the form of a stored record's id
// (32 lower-case hex digits); anything else cannot exist and is not sent
// to the database.
func validRecordID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// getAgreement is GET /api/v1/agreements/{id}.
func (s *Server) getAgreement(c *fiber.Ctx) error {
	a, err := s.agreement(c)
	if err != nil {
		return err
	}
	claims, err := s.cfg.Registry.Claims(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		storage.Agreement
		Claims []storage.Claim `json:"claims"`
	}{a, claims})
}

// patchAgreement is PATCH /api/v1/agreements/{id} {"status"}.
func (s *Server) patchAgreement(c *fiber.Ctx) error {
	lang := Lang(c)
	var in struct {
		Status string `json:"status"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	if !slices.Contains(storage.AgreementStatuses, in.Status) {
		return invalidFields(lang, FieldProblem{Field: "status", Message: calc.Text{Ru: "одно из: ", En: "one of: "}.In(lang) + strings.Join(storage.AgreementStatuses, ", ")})
	}
	if !validRecordID(c.Params("id")) {
		return NewProblem(http.StatusNotFound, TypeBlank, lang, calc.Text{Ru: "соглашение не найдено", En: "no such agreement"}.In(lang))
	}
	if err := s.cfg.Registry.SetAgreementStatus(c.UserContext(), c.Params("id"), in.Status, actor(c)); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return NewProblem(http.StatusNotFound, TypeBlank, lang, calc.Text{Ru: "соглашение не найдено", En: "no such agreement"}.In(lang))
		}
		return err
	}
	return s.getAgreement(c)
}

// recomputeAgreement is GET /api/v1/agreements/{id}/recompute: the stored
// figures beside what today's rules and policy rates give.
func (s *Server) recomputeAgreement(c *fiber.Ctx) error {
	lang := Lang(c)
	a, err := s.agreement(c)
	if err != nil {
		return err
	}
	_, res, err := s.computeStored(a.Request, lang)
	if err != nil {
		if p, ok := err.(*Problem); ok {
			p.Detail = calc.Text{Ru: "по сегодняшним правилам и ставкам сохранённый запрос рассчитать нельзя: ", En: "today's rules and rates cannot compute the stored request: "}.In(lang) + p.Detail
		}
		return err
	}
	var now storage.Agreement
	s.fillAgreement(&now, nil, res)
	var stored struct {
		Years []struct {
			Year           int        `json:"year"`
			SubsidyPayable calc.Money `json:"subsidy_payable"`
		} `json:"years"`
	}
	json.Unmarshal(a.Result, &stored)
	type yearDiff struct {
		Year       int        `json:"year"`
		Stored     calc.Money `json:"stored"`
		Today      calc.Money `json:"today"`
		Difference calc.Money `json:"difference"`
	}
	diffs := []yearDiff{}
	years := map[int]*yearDiff{}
	for _, y := range stored.Years {
		diffs = append(diffs, yearDiff{Year: y.Year, Stored: y.SubsidyPayable})
	}
	for i := range diffs {
		years[diffs[i].Year] = &diffs[i]
	}
	for _, y := range res.Years {
		if d, ok := years[y.Year]; ok {
			d.Today = y.SubsidyPayable
			continue
		}
		diffs = append(diffs, yearDiff{Year: y.Year, Today: y.SubsidyPayable})
	}
	changed := a.Eligible != res.Eligible || a.SubsidyPayable != res.Totals.SubsidyPayable
	for i := range diffs {
		diffs[i].Difference = diffs[i].Today - diffs[i].Stored
		changed = changed || diffs[i].Difference != 0
	}
	slices.SortFunc(diffs, func(x, y yearDiff) int { return x.Year - y.Year })
	return c.JSON(fiber.Map{
		"id":      a.ID,
		"changed": changed,
		"stored": fiber.Map{"eligible": a.Eligible, "subsidy_payable": a.SubsidyPayable,
			"rules_version": a.RulesVersion, "rates_hash": a.RatesHash, "input_hash": a.InputHash},
		"today": fiber.Map{"eligible": res.Eligible, "subsidy_payable": res.Totals.SubsidyPayable,
			"rules_version": res.Programme.RulesVersion, "rates_hash": s.ratesHash},
		"years":  diffs,
		"checks": res.Checks,
	})
}

// getClaims is GET /api/v1/agreements/{id}/claims.
func (s *Server) getClaims(c *fiber.Ctx) error {
	a, err := s.agreement(c)
	if err != nil {
		return err
	}
	claims, err := s.cfg.Registry.Claims(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"claims": claims})
}

// postClaim is POST /api/v1/agreements/{id}/claims: a claim filed for the
// days [from, to) with its amount (until claims are computed from a
// ledger, the stored claim is its period and amount).
func (s *Server) postClaim(c *fiber.Ctx) error {
	lang := Lang(c)
	a, err := s.agreement(c)
	if err != nil {
		return err
	}
	if bytes.Contains(c.Body(), []byte(`"ledger"`)) {
		return s.postLedgerClaim(c, a, lang)
	}
	var in struct {
		From   string  `json:"from"`
		To     string  `json:"to"`
		Amount decText `json:"amount"`
		Status string  `json:"status"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	// A claim is filed against a live agreement that pays something; it
	// becomes approved or paid only by a status change (PATCH), which the
	// audit log records.
	if a.Status == "rejected" || !a.Eligible || a.SubsidyPayable <= 0 {
		return invalidFields(lang, FieldProblem{Field: "agreement", Message: calc.Text{Ru: "по этому соглашению субсидия не выплачивается (отклонено или условия не выполнены): заявку подать нельзя", En: "this agreement pays no subsidy (rejected, or its conditions are not met): no claim can be filed"}.In(lang)})
	}
	var bad []FieldProblem
	from, err1 := calc.ParseDate(in.From)
	if err1 != nil {
		bad = append(bad, FieldProblem{Field: "from", Message: calc.Text{Ru: "дата ГГГГ-ММ-ДД", En: "a date YYYY-MM-DD"}.In(lang)})
	}
	to, err2 := calc.ParseDate(in.To)
	if err2 != nil {
		bad = append(bad, FieldProblem{Field: "to", Message: calc.Text{Ru: "дата ГГГГ-ММ-ДД", En: "a date YYYY-MM-DD"}.In(lang)})
	} else if err1 == nil && to <= from {
		bad = append(bad, FieldProblem{Field: "to", Message: calc.Text{Ru: "конец периода позже начала", En: "the period ends after it starts"}.In(lang)})
	}
	var amount calc.Money
	if d, err := wire.ParseDecimal(string(in.Amount)); err != nil || d.IsNegative() {
		bad = append(bad, FieldProblem{Field: "amount", Message: calc.Text{Ru: "сумма: неотрицательное число", En: "amount: a non-negative number"}.In(lang)})
	} else if amount, err = calc.MoneyFromDecimal(d); err != nil {
		bad = append(bad, FieldProblem{Field: "amount", Message: err.Error()})
	} else if amount > a.SubsidyPayable {
		bad = append(bad, FieldProblem{Field: "amount", Message: calc.Text{Ru: "больше всей субсидии к выплате по соглашению (" + FormatMoney(a.SubsidyPayable, lang) + ")", En: "more than the agreement's whole payable subsidy (" + FormatMoney(a.SubsidyPayable, lang) + ")"}.In(lang)})
	}
	if in.Status == "" {
		in.Status = "filed"
	}
	if in.Status != "filed" {
		bad = append(bad, FieldProblem{Field: "status", Message: calc.Text{Ru: "новая заявка имеет статус filed; одобрение и выплата — изменением статуса", En: "a new claim is filed; approval and payment are status changes"}.In(lang)})
	}
	if len(bad) > 0 {
		return invalidFields(lang, bad...)
	}
	year, _, _ := (to - 1).Civil()
	cl := storage.Claim{AgreementID: a.ID, Status: in.Status, From: in.From, To: in.To, Year: year, Amount: amount,
		Request: append(json.RawMessage(nil), c.Body()...)}
	cl.Stamp = storage.Stamp{RulesVersion: a.RulesVersion, RatesHash: s.ratesHash, InputHash: hashJSON(in), CreatedBy: actor(c)}
	if err := s.cfg.Registry.CreateClaim(c.UserContext(), &cl); err != nil {
		return err
	}
	c.Status(http.StatusCreated)
	return c.JSON(cl)
}

// postLedgerClaim files a claim computed from a ledger (API.md: a claim
// request without the loan, which is taken from the agreement): the claim
// of every period is stored, filed, with its payable amount, and the
// answer carries them and the computed claim.
func (s *Server) postLedgerClaim(c *fiber.Ctx, a storage.Agreement, lang string) error {
	if a.Status == "rejected" || !a.Eligible || a.SubsidyPayable <= 0 {
		return invalidFields(lang, FieldProblem{Field: "agreement", Message: calc.Text{
			Ru: "по этому соглашению субсидия не выплачивается (отклонено или условия не выполнены): заявку подать нельзя",
			En: "this agreement pays no subsidy (rejected, or its conditions are not met): no claim can be filed"}.In(lang)})
	}
	cr, err := wire.DecodeClaim(c.Body(), lang)
	if err != nil {
		return err
	}
	stored, err := wire.DecodeRequest(a.Request, lang)
	if err != nil {
		return err
	}
	cr.Project, cr.Loan, cr.Subsidy = stored.Project, stored.Loan, stored.Subsidy
	if cr.Lang == "" {
		cr.Lang = lang
	}
	res, err := s.claim(cr)
	if err != nil {
		return err
	}
	var sum calc.Money
	for _, p := range res.Periods {
		sum += p.Payable
	}
	if sum > a.SubsidyPayable {
		return invalidFields(lang, FieldProblem{Field: "ledger", Message: calc.Text{
			Ru: "заявлено больше всей субсидии к выплате по соглашению",
			En: "the claim is more than the agreement's whole payable subsidy"}.In(lang)})
	}
	var out []storage.Claim
	for _, p := range res.Periods {
		cl := storage.Claim{AgreementID: a.ID, Status: "filed", From: p.From.String(), To: p.To.String(), Year: p.Year,
			Amount: p.Payable, Request: append(json.RawMessage(nil), c.Body()...)}
		cl.Stamp = storage.Stamp{RulesVersion: res.Programme.RulesVersion, RatesHash: s.ratesHash, InputHash: hashJSON(cr), CreatedBy: actor(c)}
		if err := s.cfg.Registry.CreateClaim(c.UserContext(), &cl); err != nil {
			return err
		}
		out = append(out, cl)
	}
	c.Status(http.StatusCreated)
	return c.JSON(fiber.Map{"claims": out, "claim": json.RawMessage(mustJSON(res))})
}

// mustJSON encodes v, which holds no value encoding/json can refuse.
func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// patchClaim is PATCH /api/v1/agreements/{id}/claims/{cid} {"status"}.
func (s *Server) patchClaim(c *fiber.Ctx) error {
	lang := Lang(c)
	var in struct {
		Status string `json:"status"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	if !slices.Contains(storage.ClaimStatuses, in.Status) {
		return invalidFields(lang, FieldProblem{Field: "status", Message: calc.Text{Ru: "одно из: ", En: "one of: "}.In(lang) + strings.Join(storage.ClaimStatuses, ", ")})
	}
	if !validRecordID(c.Params("id")) || !validRecordID(c.Params("cid")) {
		return NewProblem(http.StatusNotFound, TypeBlank, lang, calc.Text{Ru: "заявка не найдена", En: "no such claim"}.In(lang))
	}
	err := s.cfg.Registry.SetClaimStatus(c.UserContext(), c.Params("id"), c.Params("cid"), in.Status, actor(c))
	if errors.Is(err, storage.ErrNotFound) {
		return NewProblem(http.StatusNotFound, TypeBlank, lang, calc.Text{Ru: "заявка не найдена", En: "no such claim"}.In(lang))
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": c.Params("cid"), "status": in.Status})
}

// getCommitments is GET /api/v1/commitments?programme=.
func (s *Server) getCommitments(c *fiber.Ctx) error {
	lang := Lang(c)
	prog := c.Query("programme")
	if _, ok := calc.LookupProgramme(prog); !ok {
		return invalidFields(lang, FieldProblem{Field: "programme", Message: calc.Text{Ru: "неизвестная программа", En: "unknown programme"}.In(lang)})
	}
	format := c.Query("format", formatJSON)
	if format != formatJSON && format != formatXLSX || format == formatXLSX && s.cfg.RegistryWorkbook == nil {
		return NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
			calc.Text{Ru: "формат: json или xlsx", En: "format: json or xlsx"}.In(lang))
	}
	years, err := s.cfg.Registry.Commitments(c.UserContext(), prog)
	if err != nil {
		return err
	}
	if format == formatXLSX {
		list, err := s.cfg.Registry.Agreements(c.UserContext(), prog, "")
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="registry-`+prog+`-`+time.Now().UTC().Format("2006-01-02")+`.xlsx"`)
		return s.cfg.RegistryWorkbook(c.Response().BodyWriter(), prog, years, list, lang)
	}
	return c.JSON(fiber.Map{"programme": prog, "years": years})
}

// getAudit is GET /api/v1/audit?since=: at most 1,000 entries from since
// (a date or an RFC 3339 time), oldest first.
func (s *Server) getAudit(c *fiber.Ctx) error {
	lang := Lang(c)
	var since time.Time
	if q := c.Query("since"); q != "" {
		var err error
		if since, err = time.Parse(time.RFC3339Nano, q); err != nil {
			if since, err = time.Parse(time.DateOnly, q); err != nil {
				return invalidFields(lang, FieldProblem{Field: "since", Message: calc.Text{Ru: "дата ГГГГ-ММ-ДД или время RFC 3339", En: "a date YYYY-MM-DD or an RFC 3339 time"}.In(lang)})
			}
		}
	}
	list, err := s.cfg.Registry.Audit(c.UserContext(), since, 1000)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": list})
}
