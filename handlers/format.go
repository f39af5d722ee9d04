package handlers

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// nbsp is the no-break space that groups thousands in Russian
// ("1 234 567,89") and joins a number to its unit.
const nbsp = "\u00a0"

// FormatMoney formats an amount for lang with two decimals: ru
// "1 234 567,89" (no-break spaces, decimal comma), en "1,234,567.89".
func FormatMoney(m calc.Money, lang string) string {
	return formatNumber(m.String(), lang)
}

// FormatDecimal formats a decimal for lang keeping its digits:
// ru "24,5", en "24.5"; thousands grouped as in [FormatMoney].
func FormatDecimal(d decimal.Decimal, lang string) string {
	return formatNumber(d.String(), lang)
}

// FormatPercent formats a percentage for lang with two decimals, the one
// way the pages show a single percentage: ru "24,50 %" (no-break space),
// en "24.50%"; half away from zero (27.4374 is "27,44 %").
func FormatPercent(d decimal.Decimal, lang string) string {
	return formatPercentAt(d, 2, lang)
}

// formatPercentAt formats a percentage with scale decimals.
func formatPercentAt(d decimal.Decimal, scale int32, lang string) string {
	if lang == LangEn {
		return FormatFixed(d, scale, lang) + "%"
	}
	return FormatFixed(d, scale, lang) + nbsp + "%"
}

// FormatFixed formats d for lang with exactly scale decimals, half away
// from zero: FormatFixed(24.5, 2, "ru") is "24,50".
func FormatFixed(d decimal.Decimal, scale int32, lang string) string {
	return formatNumber(d.StringFixed(scale), lang)
}

// percentScale is the number of decimals for percentages shown together
// (a column, a list of shares): two, or as many as the most precise of
// them needs so that none is rounded (the EAEU contribution 7.055 %
// gives 3 to its whole list), at most maxPercentScale.
func percentScale(ds ...decimal.Decimal) int32 {
	scale := int32(2)
	for _, d := range ds {
		e := -d.Exponent() // trailing zeros do not count: 24.500 needs 1
		for e > scale && d.Equal(d.Truncate(e-1)) {
			e--
		}
		scale = max(scale, e)
	}
	return min(scale, maxPercentScale)
}

const maxPercentScale = 4

// FormatDate formats a date for lang: ru "14.03.2025", en "2025-03-14".
func FormatDate(t calc.Date, lang string) string {
	if lang == LangEn {
		return t.String()
	}
	y, m, d := t.Civil()
	return fmt.Sprintf("%02d.%02d.%04d", d, int(m), y)
}

// minus is the minus sign (U+2212) of displayed negatives: "−5 713 983,15".
const minus = "\u2212"

// formatNumber regroups a plain number string ("-1234567.89") for lang,
// with a true minus sign.
func formatNumber(s, lang string) string {
	g := calc.GroupDigits(s, lang != LangEn)
	if rest, neg := strings.CutPrefix(g, "-"); neg {
		return minus + rest
	}
	return g
}

// formatCompact formats a large amount shortly for chart axes:
// ru "1,2 млрд", en "1.2bn".
func formatCompact(v float64, lang string) string {
	abs := v
	if abs < 0 {
		abs = -abs
	}
	units := []struct {
		div    float64
		ru, en string
	}{{1e12, "трлн", "tn"}, {1e9, "млрд", "bn"}, {1e6, "млн", "m"}, {1e3, "тыс.", "k"}}
	for _, u := range units {
		if abs >= u.div {
			n := decimal.NewFromFloat(v / u.div).Round(1)
			if lang == LangEn {
				return FormatDecimal(n, lang) + u.en
			}
			return FormatDecimal(n, lang) + nbsp + u.ru
		}
	}
	return FormatDecimal(decimal.NewFromFloat(v).Round(0), lang)
}

// datePattern finds the dates of a text, ISO (2025-03-14) or Russian
// (14.03.2025).
var datePattern = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})\b`)

// noWrapDates escapes s for HTML and keeps each of its dates on one line
// (a browser may break "2025-03-14" at a hyphen): every date goes into a
// <span class="nw">.
func noWrapDates(s string) template.HTML {
	e := html.EscapeString(s)
	return template.HTML(datePattern.ReplaceAllString(e, `<span class="nw">$1</span>`)) // escaped text, fixed markup
}

// timeHTML formats a date for lang as a <time> element that never breaks
// across lines: <time datetime="2025-03-14">14.03.2025</time>.
func timeHTML(d calc.Date, lang string) template.HTML {
	return template.HTML(`<time datetime="` + d.String() + `">` + FormatDate(d, lang) + `</time>`) // digits and hyphens only
}
