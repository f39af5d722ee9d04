package handlers

import (
	"fmt"

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

// FormatPercent formats a percentage for lang: ru "24,5 %" (no-break
// space), en "24.5%".
func FormatPercent(d decimal.Decimal, lang string) string {
	if lang == LangEn {
		return FormatDecimal(d, lang) + "%"
	}
	return FormatDecimal(d, lang) + nbsp + "%"
}

// FormatDate formats a date for lang: ru "14.03.2025", en "2025-03-14".
func FormatDate(t calc.Date, lang string) string {
	if lang == LangEn {
		return t.String()
	}
	y, m, d := t.Civil()
	return fmt.Sprintf("%02d.%02d.%04d", d, int(m), y)
}

// formatNumber regroups a plain number string ("-1234567.89") for lang.
func formatNumber(s, lang string) string { return calc.GroupDigits(s, lang != LangEn) }

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
