package handlers

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/gofiber/fiber/v2"
)

// The registry's pages (GET /registry): a person signs in with a token,
// which starts a session kept in the database (so any replica serves it)
// and named by an HttpOnly, SameSite=Strict cookie; every form that
// changes something carries the session's CSRF token.

const (
	sessionCookie = "subsidy_session"
	sessionTTL    = 8 * time.Hour // a working day
)

// registryPageRoutes registers the registry pages.
func (s *Server) registryPageRoutes(app *fiber.App) {
	app.Get("/registry", s.registryPage)
	app.Post("/registry/session", s.registrySignIn)
	app.Post("/registry/signout", s.registrySignOut)
	app.Get("/registry/agreements/:id", s.registryAgreementPage)
	app.Post("/registry/agreements/:id/status", s.registrySetStatus)
	app.Get("/registry/commitments.xlsx", s.registryWorkbook)
}

// registryView is the data of the registry pages.
type registryView struct {
	pageData
	Session     *storage.Session
	Officer     bool
	Error       string
	Programme   string
	Status      string
	Programmes  []option
	Statuses    []option
	Agreements  []storage.Agreement
	Commitments []storage.CommitmentYear
	Chart       template.HTML
	Agreement   *storage.Agreement
	Claims      []storage.Claim
	Recompute   *recomputeView
	Workbook    bool
	Saved       bool
}

type recomputeView struct {
	Changed                 bool
	StoredTotal, TodayTotal calc.Money
	StoredElig, TodayElig   bool
}

// session returns the signed-in session of the request, or nil.
func (s *Server) session(c *fiber.Ctx) *storage.Session {
	if s.cfg.Registry == nil {
		return nil
	}
	secret := c.Cookies(sessionCookie)
	if secret == "" {
		return nil
	}
	ses, err := s.cfg.Registry.Session(c.UserContext(), secret)
	if err != nil {
		return nil
	}
	return &ses
}

// checkCSRF reports whether the form carries the session's CSRF token.
func checkCSRF(c *fiber.Ctx, ses *storage.Session) bool {
	got := formOnly(c, "csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(ses.CSRF)) == 1
}

func (s *Server) newRegistryView(c *fiber.Ctx, lang, path string) registryView {
	v := registryView{pageData: newPageData(lang, path), Session: s.session(c)}
	v.Officer = v.Session != nil && v.Session.Token.Role == storage.RoleOfficer
	return v
}

// registryPage is GET /registry: the sign-in form, or the agreements and
// the commitments against the envelope of the chosen programme.
func (s *Server) registryPage(c *fiber.Ctx) error {
	lang := Lang(c)
	v := s.newRegistryView(c, lang, "/registry")
	if s.cfg.Registry == nil {
		v.Error = T(lang, "reg.nodb")
		return s.render(c, http.StatusServiceUnavailable, "registry.html", v)
	}
	if v.Session == nil {
		return s.render(c, http.StatusOK, "registry.html", v)
	}
	v.Programme = c.Query("programme", "eaeu-industrial")
	if _, ok := calc.LookupProgramme(v.Programme); !ok {
		v.Programme = "eaeu-industrial"
	}
	v.Status = c.Query("status")
	if !slices.Contains(storage.AgreementStatuses, v.Status) {
		v.Status = ""
	}
	for _, p := range calc.Programmes() {
		v.Programmes = append(v.Programmes, option{p.ID, p.Name().In(lang), p.ID == v.Programme})
	}
	v.Statuses = append(v.Statuses, option{"", T(lang, "reg.status.all"), v.Status == ""})
	for _, st := range storage.AgreementStatuses {
		v.Statuses = append(v.Statuses, option{st, T(lang, "reg.status."+st), st == v.Status})
	}
	var err error
	if v.Agreements, err = s.cfg.Registry.Agreements(c.UserContext(), v.Programme, v.Status); err != nil {
		return err
	}
	if v.Commitments, err = s.cfg.Registry.Commitments(c.UserContext(), v.Programme); err != nil {
		return err
	}
	v.Chart = commitmentsSVG(v.Commitments, lang)
	v.Workbook = s.cfg.RegistryWorkbook != nil
	return s.render(c, http.StatusOK, "registry.html", v)
}

// registrySignIn is POST /registry/session: a token from the form starts a
// session.
func (s *Server) registrySignIn(c *fiber.Ctx) error {
	lang := Lang(c)
	v := s.newRegistryView(c, lang, "/registry")
	if s.cfg.Registry == nil {
		return fiber.ErrServiceUnavailable
	}
	if !sameOrigin(c) {
		return NewProblem(http.StatusForbidden, TypeBlank, lang, T(lang, "reg.origin"))
	}
	secret, ses, err := s.cfg.Registry.CreateSession(c.UserContext(), strings.TrimSpace(formOnly(c, "token")), sessionTTL)
	if errors.Is(err, storage.ErrNotFound) {
		v.Error = T(lang, "reg.badtoken")
		return s.render(c, http.StatusUnauthorized, "registry.html", v)
	}
	if err != nil {
		return err
	}
	_ = ses
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: secret, Path: "/registry", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https", MaxAge: int(sessionTTL / time.Second)})
	return c.Redirect("/registry?lang="+lang, http.StatusSeeOther)
}

// formOnly returns a field of the posted form, never of the query string:
// secrets (a token, a CSRF token) must not travel in URLs that proxies log.
func formOnly(c *fiber.Ctx, key string) string {
	if v := c.Request().PostArgs().Peek(key); v != nil {
		return string(v)
	}
	if f, err := c.MultipartForm(); err == nil {
		if vs := f.Value[key]; len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// sameOrigin refuses a cross-site form post. Browsers say where a request
// comes from in Sec-Fetch-Site (same-origin, or none for one typed by the
// user); Origin is "null" on this site's forms because its pages send no
// referrer, so a named Origin must be this host.
func sameOrigin(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == c.Hostname()
}

// registrySignOut is POST /registry/signout.
func (s *Server) registrySignOut(c *fiber.Ctx) error {
	ses := s.session(c)
	if ses == nil || !checkCSRF(c, ses) {
		return NewProblem(http.StatusForbidden, TypeBlank, Lang(c), T(Lang(c), "reg.csrf"))
	}
	_ = s.cfg.Registry.DeleteSession(c.UserContext(), c.Cookies(sessionCookie))
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/registry", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, MaxAge: -1})
	return c.Redirect("/registry?lang="+Lang(c), http.StatusSeeOther)
}

// registryAgreementPage is GET /registry/agreements/{id}: its figures, its
// claims and, with ?recompute=1, what today's rules and rates give.
func (s *Server) registryAgreementPage(c *fiber.Ctx) error {
	lang := Lang(c)
	v := s.newRegistryView(c, lang, "/registry/agreements/"+url.PathEscape(c.Params("id")))
	if v.Session == nil {
		return c.Redirect("/registry?lang="+lang, http.StatusSeeOther)
	}
	a, err := s.agreement(c)
	if err != nil {
		return err
	}
	v.Agreement = &a
	v.Saved = c.Query("saved") != ""
	if v.Claims, err = s.cfg.Registry.Claims(c.UserContext(), a.ID); err != nil {
		return err
	}
	for _, st := range storage.AgreementStatuses {
		v.Statuses = append(v.Statuses, option{st, T(lang, "reg.status."+st), st == a.Status})
	}
	if c.Query("recompute") != "" {
		if _, res, err := s.computeStored(a.Request, lang); err == nil {
			v.Recompute = &recomputeView{StoredTotal: a.SubsidyPayable, TodayTotal: res.Totals.SubsidyPayable, StoredElig: a.Eligible, TodayElig: res.Eligible}
			v.Recompute.Changed = v.Recompute.StoredTotal != v.Recompute.TodayTotal || a.Eligible != res.Eligible
		}
	}
	return s.render(c, http.StatusOK, "registry_agreement.html", v)
}

// registrySetStatus is POST /registry/agreements/{id}/status (an officer,
// with the CSRF token).
func (s *Server) registrySetStatus(c *fiber.Ctx) error {
	lang := Lang(c)
	ses := s.session(c)
	if ses == nil || !checkCSRF(c, ses) {
		return NewProblem(http.StatusForbidden, TypeBlank, lang, T(lang, "reg.csrf"))
	}
	if ses.Token.Role != storage.RoleOfficer {
		return NewProblem(http.StatusForbidden, TypeBlank, lang, T(lang, "reg.viewer"))
	}
	status := formOnly(c, "status")
	if !slices.Contains(storage.AgreementStatuses, status) {
		return invalidFields(lang, FieldProblem{Field: "status", Message: strings.Join(storage.AgreementStatuses, ", ")})
	}
	if !validRecordID(c.Params("id")) {
		return fiber.ErrNotFound
	}
	who := ses.Token.Name + " (" + ses.Token.ID[:8] + ")"
	if err := s.cfg.Registry.SetAgreementStatus(c.UserContext(), c.Params("id"), status, who); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return fiber.ErrNotFound
		}
		return err
	}
	return c.Redirect("/registry/agreements/"+url.PathEscape(c.Params("id"))+"?saved=1&lang="+lang, http.StatusSeeOther)
}

// registryWorkbook is GET /registry/commitments.xlsx?programme=: the
// commitments and the agreements as a workbook.
func (s *Server) registryWorkbook(c *fiber.Ctx) error {
	lang := Lang(c)
	if s.session(c) == nil {
		return c.Redirect("/registry?lang="+lang, http.StatusSeeOther)
	}
	if s.cfg.RegistryWorkbook == nil {
		return fiber.ErrNotAcceptable
	}
	prog := c.Query("programme", "eaeu-industrial")
	if _, ok := calc.LookupProgramme(prog); !ok {
		return invalidFields(lang, FieldProblem{Field: "programme", Message: T(lang, "reg.noprog")})
	}
	years, err := s.cfg.Registry.Commitments(c.UserContext(), prog)
	if err != nil {
		return err
	}
	list, err := s.cfg.Registry.Agreements(c.UserContext(), prog, "")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="registry-%s-%s.xlsx"`, prog, time.Now().UTC().Format("2006-01-02")))
	return s.cfg.RegistryWorkbook(c.Response().BodyWriter(), prog, years, list, lang)
}

// commitmentsSVG draws each year's envelope and commitments as paired bars.
func commitmentsSVG(years []storage.CommitmentYear, lang string) template.HTML {
	if len(years) == 0 {
		return ""
	}
	var top calc.Money
	for _, y := range years {
		top = max(top, y.Committed)
		if y.Envelope != nil {
			top = max(top, *y.Envelope)
		}
	}
	if top <= 0 {
		return ""
	}
	const w, h, left, bottom, legend = 640.0, 220.0, 10.0, 24.0, 26.0
	slot := (w - left) / float64(len(years))
	bar := min(slot*0.35, 48)
	y := func(m calc.Money) float64 { return (h - bottom - legend) * float64(m) / float64(top) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="reg-chart-title" class="reg-chart"><title id="reg-chart-title">%s</title>`,
		w, h, html.EscapeString(T(lang, "reg.chart")))
	fmt.Fprintf(&b, `<rect x="%.0f" y="4" width="12" height="12" class="c-envelope"/><text x="%.0f" y="15">%s</text>`, left, left+16, html.EscapeString(T(lang, "reg.envelope")))
	fmt.Fprintf(&b, `<rect x="%.0f" y="4" width="12" height="12" class="c-committed"/><text x="%.0f" y="15">%s</text>`, left+200, left+216, html.EscapeString(T(lang, "reg.committed")))
	for i, yr := range years {
		x := left + slot*float64(i) + slot/2
		if yr.Envelope != nil {
			hh := y(*yr.Envelope)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="c-envelope"><title>%d: %s</title></rect>`, x-bar, h-bottom-hh, bar, hh, yr.Year, FormatMoney(*yr.Envelope, lang))
		}
		hh := y(yr.Committed)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="c-committed"><title>%d: %s</title></rect>`, x, h-bottom-hh, bar, hh, yr.Year, FormatMoney(yr.Committed, lang))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%d</text>`, x, h-6, yr.Year)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
