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

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"
)

// The registry (API.md "The registry"): budgets, agreements, claims,
// commitments against the envelope and the audit log, kept in
// Config.Registry. Every route needs a bearer token: a viewer reads, an
// officer writes.

const localToken localKey = 100 // the authenticated storage.Token

// registryRoutes registers the registry API.
func (s *Server) registryRoutes(api fiber.Router) {
	view, edit := s.authorize(storage.RoleViewer), s.authorize(storage.RoleOfficer)
	api.Put("/budgets/:programme/:year", edit, s.putBudget)
	api.Get("/budgets/:programme", view, s.getBudgets)
	api.Post("/agreements", edit, s.limit, s.postAgreement)
	api.Get("/agreements", view, s.getAgreements)
	api.Get("/agreements/:id", view, s.getAgreement)
	api.Patch("/agreements/:id", edit, s.patchAgreement)
	api.Get("/agreements/:id/recompute", view, s.limit, s.recomputeAgreement)
	api.Get("/agreements/:id/claims", view, s.getClaims)
	api.Post("/agreements/:id/claims", edit, s.postClaim)
	api.Patch("/agreements/:id/claims/:cid", edit, s.patchClaim)
	api.Get("/commitments", view, s.getCommitments)
	api.Get("/audit", view, s.getAudit)
}

// authorize admits a request whose bearer token has role (an officer may
// do what a viewer may): no or an unknown token is 401, too small a role
// 403. The token itself is never logged or echoed.
func (s *Server) authorize(role string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		lang := Lang(c)
		if s.cfg.Registry == nil {
			return NewProblem(http.StatusServiceUnavailable, TypeBlank, lang,
				tr(lang, "", "реестр не подключён: сервис запущен без базы данных", "the registry is not configured: the service runs without a database"))
		}
		secret, ok := bearer(c.Get(fiber.HeaderAuthorization))
		if !ok {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="subsidy"`)
			return NewProblem(http.StatusUnauthorized, TypeBlank, lang,
				tr(lang, "", "нужен заголовок Authorization: Bearer <токен> (токен выдаёт команда subsidy token create)",
					"an Authorization: Bearer <token> header is required (subsidy token create issues tokens)"))
		}
		tok, err := s.cfg.Registry.Authenticate(c.UserContext(), secret)
		if errors.Is(err, storage.ErrNotFound) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="subsidy", error="invalid_token"`)
			return NewProblem(http.StatusUnauthorized, TypeBlank, lang, tr(lang, "", "токен не найден", "unknown token"))
		}
		if err != nil {
			return err
		}
		if role == storage.RoleOfficer && tok.Role != storage.RoleOfficer {
			return NewProblem(http.StatusForbidden, TypeBlank, lang,
				tr(lang, "", "у токена роль viewer: изменять реестр может только officer", "the token's role is viewer: only an officer may change the registry"))
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

// decodeStrict decodes a small JSON body into v, refusing unknown fields;
// a failure is a 400 naming the field where it can.
func decodeStrict(body []byte, v any, lang string) error {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fp := FieldProblem{Message: err.Error()}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			fp.Field = te.Field
			fp.Message = tr(lang, "", "значение неверного типа", "a value of the wrong type")
		} else if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			fp.Field = strings.Trim(f, `"`)
			fp.Message = tr(lang, "", "неизвестное поле", "unknown field")
		}
		var fields []FieldProblem
		if fp.Field != "" {
			fields = []FieldProblem{fp}
		}
		return malformed(lang, fp.Message, fields)
	}
	return nil
}

// invalidFields is a 422 listing fields.
func invalidFields(lang string, fields ...FieldProblem) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, TypeInvalid, lang,
		tr(lang, "", "запрос не прошёл проверку: исправьте перечисленные поля", "the request failed validation: correct the fields listed"))
	p.Errors = fields
	return p
}

// putBudget is PUT /api/v1/budgets/{programme}/{year}.
func (s *Server) putBudget(c *fiber.Ctx) error {
	lang := Lang(c)
	var in struct {
		Amount        string `json:"amount"`
		Currency      string `json:"currency"`
		Contributions []struct {
			Country string `json:"country"`
			Share   string `json:"share"`
		} `json:"contributions"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	var bad []FieldProblem
	prog, ok := calc.LookupProgramme(c.Params("programme"))
	if !ok {
		bad = append(bad, FieldProblem{"programme", tr(lang, "", "неизвестная программа", "unknown programme")})
	}
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil || year < 2000 || year > 2100 {
		bad = append(bad, FieldProblem{"year", tr(lang, "", "год от 2000 до 2100", "a year from 2000 to 2100")})
	}
	var amount calc.Money
	if d, err := ParseDecimal(in.Amount); err != nil || d.IsNegative() {
		bad = append(bad, FieldProblem{"amount", tr(lang, "", "сумма: неотрицательное число", "amount: a non-negative number")})
	} else if amount, err = calc.MoneyFromDecimal(d); err != nil {
		bad = append(bad, FieldProblem{"amount", err.Error()})
	}
	if len(in.Currency) != 3 || strings.ToUpper(in.Currency) != in.Currency {
		bad = append(bad, FieldProblem{"currency", tr(lang, "", "код валюты ISO 4217 (RUB)", "an ISO 4217 currency code (RUB)")})
	}
	b := storage.Budget{Programme: prog.ID, Year: year, Amount: amount, Currency: in.Currency, Contributions: []calc.CountryShare{}}
	sum := decimal.Zero
	for i, cs := range in.Contributions {
		f := "contributions[" + strconv.Itoa(i) + "]"
		if !slices.Contains(calc.MemberStates, cs.Country) {
			bad = append(bad, FieldProblem{f + ".country", tr(lang, "", "государство — член ЕАЭС (AM BY KZ KG RU)", "a member state (AM BY KZ KG RU)")})
		}
		d, err := ParseDecimal(cs.Share)
		if err != nil || !d.IsPositive() {
			bad = append(bad, FieldProblem{f + ".share", tr(lang, "", "доля в процентах больше 0", "a share in percent above 0")})
			continue
		}
		sum = sum.Add(d)
		b.Contributions = append(b.Contributions, calc.CountryShare{Country: cs.Country, Share: d})
	}
	if len(in.Contributions) > 0 && !sum.Equal(decimal.NewFromInt(100)) {
		bad = append(bad, FieldProblem{"contributions", tr(lang, "", "доли в сумме должны давать 100", "the shares must add up to 100")})
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
		bad = append(bad, FieldProblem{"number", tr(lang, "", "номер соглашения обязателен", "the agreement number is required")})
	}
	if _, err := calc.ParseDate(in.Date); err != nil {
		bad = append(bad, FieldProblem{"date", tr(lang, "", "дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD")})
	}
	if in.Status == "" {
		in.Status = "applied"
	}
	if !slices.Contains(storage.AgreementStatuses, in.Status) {
		bad = append(bad, FieldProblem{"status", tr(lang, "", "одно из: ", "one of: ") + strings.Join(storage.AgreementStatuses, ", ")})
	}
	if len(in.Request) == 0 || string(in.Request) == "null" {
		bad = append(bad, FieldProblem{"request", tr(lang, "", "расчётный запрос обязателен", "the calculation request is required")})
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
	req, err := DecodeRequest(raw, lang)
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
	a.Result = EncodeResult(res)
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
	a, err := s.cfg.Registry.Agreement(c.UserContext(), c.Params("id"))
	if errors.Is(err, storage.ErrNotFound) {
		lang := Lang(c)
		return a, NewProblem(http.StatusNotFound, TypeBlank, lang, tr(lang, "", "соглашение не найдено", "no such agreement"))
	}
	return a, err
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
		return invalidFields(lang, FieldProblem{"status", tr(lang, "", "одно из: ", "one of: ") + strings.Join(storage.AgreementStatuses, ", ")})
	}
	if err := s.cfg.Registry.SetAgreementStatus(c.UserContext(), c.Params("id"), in.Status, actor(c)); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return NewProblem(http.StatusNotFound, TypeBlank, lang, tr(lang, "", "соглашение не найдено", "no such agreement"))
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
	var in struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Amount string `json:"amount"`
		Status string `json:"status"`
	}
	if err := decodeStrict(c.Body(), &in, lang); err != nil {
		return err
	}
	var bad []FieldProblem
	from, err1 := calc.ParseDate(in.From)
	if err1 != nil {
		bad = append(bad, FieldProblem{"from", tr(lang, "", "дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD")})
	}
	to, err2 := calc.ParseDate(in.To)
	if err2 != nil {
		bad = append(bad, FieldProblem{"to", tr(lang, "", "дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD")})
	} else if err1 == nil && to <= from {
		bad = append(bad, FieldProblem{"to", tr(lang, "", "конец периода позже начала", "the period ends after it starts")})
	}
	var amount calc.Money
	if d, err := ParseDecimal(in.Amount); err != nil || d.IsNegative() {
		bad = append(bad, FieldProblem{"amount", tr(lang, "", "сумма: неотрицательное число", "amount: a non-negative number")})
	} else if amount, err = calc.MoneyFromDecimal(d); err != nil {
		bad = append(bad, FieldProblem{"amount", err.Error()})
	}
	if in.Status == "" {
		in.Status = "filed"
	}
	if !slices.Contains(storage.ClaimStatuses, in.Status) {
		bad = append(bad, FieldProblem{"status", tr(lang, "", "одно из: ", "one of: ") + strings.Join(storage.ClaimStatuses, ", ")})
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
		return invalidFields(lang, FieldProblem{"status", tr(lang, "", "одно из: ", "one of: ") + strings.Join(storage.ClaimStatuses, ", ")})
	}
	err := s.cfg.Registry.SetClaimStatus(c.UserContext(), c.Params("id"), c.Params("cid"), in.Status, actor(c))
	if errors.Is(err, storage.ErrNotFound) {
		return NewProblem(http.StatusNotFound, TypeBlank, lang, tr(lang, "", "заявка не найдена", "no such claim"))
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
		return invalidFields(lang, FieldProblem{"programme", tr(lang, "", "неизвестная программа", "unknown programme")})
	}
	years, err := s.cfg.Registry.Commitments(c.UserContext(), prog)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"programme": prog, "years": years})
}

// getAudit is GET /api/v1/audit?since=: at most 1,000 entries from since
// (a date or an RFC 3339 time), oldest first.
func (s *Server) getAudit(c *fiber.Ctx) error {
	lang := Lang(c)
	since := c.Query("since")
	if since != "" {
		if _, err := calc.ParseDate(since); err != nil && !strings.Contains(since, "T") {
			return invalidFields(lang, FieldProblem{"since", tr(lang, "", "дата ГГГГ-ММ-ДД или время RFC 3339", "a date YYYY-MM-DD or an RFC 3339 time")})
		}
	}
	list, err := s.cfg.Registry.Audit(c.UserContext(), since, 1000)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": list})
}
