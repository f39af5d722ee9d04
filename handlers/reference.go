package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/gofiber/fiber/v2"
)

// programmesBody is the answer of GET /api/v1/programmes.
type programmesBody struct {
	Programmes []calc.Programme `json:"programmes"`
}

// getProgrammes is GET /api/v1/programmes: every built-in programme with
// the parameters it fixes.
func (s *Server) getProgrammes(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(programmesBody{Programmes: calc.Programmes()})
}

// baseRatesBody is the answer of GET /api/v1/base-rates.
type baseRatesBody struct {
	// Source is "built-in" or the file loaded at start-up.
	Source string `json:"source"`
	// Countries lists the countries in Rates.
	Countries []string `json:"countries"`
	// Rates are the rows of the policy rate record, by country and date;
	// a row with a null rate starts a gap (unknown from that date).
	Rates []calc.PolicyRate `json:"rates"`
}

// getBaseRates is GET /api/v1/base-rates[?country=XX]: the policy rate
// timeline of one member state, or of all without ?country.
func (s *Server) getBaseRates(c *fiber.Ctx) error {
	book := s.cfg.Rates
	all := book.Countries()
	countries := all
	if q := c.Query("country"); q != "" || c.Context().QueryArgs().Has("country") {
		cc := strings.ToUpper(strings.TrimSpace(q))
		if !slices.Contains(all, cc) {
			lang := Lang(c)
			p := NewProblem(http.StatusBadRequest, TypeMalformed, lang,
				calc.Text{Ru: "нет данных о ставках этой страны", En: "no policy rates for this country"}.In(lang))
			p.Errors = []FieldProblem{{Field: "country", Message: calc.Text{Ru: "допустимые значения: " + strings.Join(all, ", "), En: "allowed values: " + strings.Join(all, ", ")}.In(lang)}}
			return p
		}
		countries = []string{cc}
	}
	body := baseRatesBody{Source: s.cfg.RatesSource, Countries: countries, Rates: []calc.PolicyRate{}}
	for _, cc := range countries {
		body.Rates = append(body.Rates, book.Rows(cc)...)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(body)
}
