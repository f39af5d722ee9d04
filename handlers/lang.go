package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Languages the service speaks. Russian is the default.
const (
	LangRu = "ru"
	LangEn = "en"
)

// Lang returns the language of the request: the ?lang= query parameter
// when it is "ru" or "en", else the best of ru and en in Accept-Language
// (by q-value, the earlier on a tie), else "ru".
func Lang(c *fiber.Ctx) string {
	switch strings.ToLower(c.Query("lang")) {
	case LangEn:
		return LangEn
	case LangRu:
		return LangRu
	}
	return negotiateLang(c.Get(fiber.HeaderAcceptLanguage))
}

// negotiateLang picks ru or en from an Accept-Language header:
// "en-GB,en;q=0.9,ru;q=0.8" is en, "de, ru;q=0.5" ru, "de" or "" ru.
func negotiateLang(header string) string {
	if header == "" {
		return LangRu
	}
	best, bestQ := LangRu, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if primary != LangRu && primary != LangEn {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				} else {
					q = 0
				}
			}
		}
		if q > bestQ && q > 0 {
			best, bestQ = primary, q
		}
	}
	return best
}
