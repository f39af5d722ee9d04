package calc

import (
	"strings"

	"github.com/shopspring/decimal"
)

// NumberErrorKind tells why [ParseNumber] refused a text.
type NumberErrorKind int

// Kinds of [NumberError].
const (
	// NumberSyntax: not a number ("abc", "1,2,3.4.5", "1e5", "--1").
	NumberSyntax NumberErrorKind = iota + 1
	// NumberRange: more than 38 significant digits, more than 30
	// decimals, or over 64 characters.
	NumberRange
	// NumberAmbiguous: a single comma followed by exactly three digits
	// ("5,000") where the writer's convention is not English: it may
	// separate thousands (5000) or decimals (5).
	NumberAmbiguous
)

// NumberError is why [ParseNumber] refused a text, with a message in
// Russian and English that says what to write instead.
type NumberError struct {
	Kind  NumberErrorKind
	Input string
	Text  // the message (e.In(lang))
}

func (e *NumberError) Error() string { return e.En }

// Bounds of [ParseNumber], far outside any amount, rate or share the
// calculator accepts; they keep every decimal cheap to compute with.
const (
	maxNumberLen      = 64  // characters, thousands spaces removed
	maxNumberDecimals = 30  // digits after the decimal separator
	maxNumberBits     = 128 // bits of the coefficient (38 digits)
)

// isNumberSpace reports the characters people and spreadsheet programs
// put between thousands: space, tab, no-break space, narrow no-break space,
// thin space, the apostrophe and right single quote of Swiss formats, and
// the underscore.
func isNumberSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u202f', '\u2009', '\'', '’', '_':
		return true
	}
	return false
}

// ParseNumber reads a decimal number as a person or a spreadsheet program
// writes it. It is the one grammar of typed numbers: the web form, batch
// files and the command line's --budget all read numbers with it (the
// JSON API takes only plain literals).
//
//   - An optional sign: + , - or the minus sign −.
//   - Digits, with spaces between thousands ("1 000 000", no-break and thin
//     spaces, ' ’ and _ too).
//   - At most one decimal separator, a point or a comma. When both appear,
//     the last one is the decimal separator and the other one groups
//     thousands ("1,000,000.50", "1.000.000,50"); one of them repeated
//     groups thousands ("1,000,000", "1.000.000"). Grouped digits come in
//     threes after a first group of one to three digits that does not start
//     with 0.
//   - A single point is always a decimal point ("1.000" is 1).
//   - A single comma is a decimal comma ("24,5", "0,125", "1000,000"),
//     except when it may also group thousands: one to three digits (not
//     starting with 0), the comma, exactly three digits ("5,000",
//     "250,000"). lang is the writer's convention: "en" reads that comma as
//     a thousands separator (5000, English usage); any other lang ("ru",
//     or "" when the convention is unknown, as for a file's cells) refuses
//     the text as ambiguous ([NumberAmbiguous]) rather than guess.
//
// No exponents, no currency signs, no percent sign (callers strip a unit
// they accept). Examples:
//
//	ParseNumber("1 000 000,50", "ru") // 1000000.5
//	ParseNumber("1,000,000.50", "")   // 1000000.5
//	ParseNumber("5,000", "en")        // 5000
//	ParseNumber("5,000", "ru")        // error: ambiguous, 5000 or 5?
//	ParseNumber("24,5", "en")         // 24.5
func ParseNumber(s, lang string) (decimal.Decimal, error) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.TrimSpace(s) {
		switch {
		case isNumberSpace(r):
			continue
		case r == '−':
			r = '-'
		}
		b.WriteRune(r)
		if b.Len() > maxNumberLen {
			return decimal.Decimal{}, numberRange(s)
		}
	}
	t := b.String()
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return decimal.Decimal{}, numberSyntax(s)
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !(c >= '0' && c <= '9' || c == '.' || c == ',') {
			return decimal.Decimal{}, numberSyntax(s)
		}
	}
	commas, points := strings.Count(t, ","), strings.Count(t, ".")
	var dec, group byte
	switch {
	case commas > 0 && points > 0:
		if strings.LastIndexByte(t, ',') > strings.LastIndexByte(t, '.') {
			dec, group = ',', '.'
		} else {
			dec, group = '.', ','
		}
	case commas > 1:
		group = ','
	case points > 1:
		group = '.'
	case points == 1:
		dec = '.'
	case commas == 1:
		head, tail, _ := strings.Cut(t, ",")
		switch {
		case !groupHead(head) || len(tail) != 3:
			dec = ','
		case lang == "en":
			group = ','
		default:
			return decimal.Decimal{}, numberAmbiguous(s, head, tail)
		}
	}
	intPart, frac := t, ""
	if dec != 0 {
		if strings.Count(t, string(dec)) > 1 {
			return decimal.Decimal{}, numberSyntax(s)
		}
		var ok bool
		intPart, frac, ok = strings.Cut(t, string(dec))
		if !ok || frac == "" || intPart == "" && group != 0 {
			return decimal.Decimal{}, numberSyntax(s)
		}
	}
	if group != 0 {
		groups := strings.Split(intPart, string(group))
		if !groupHead(groups[0]) {
			return decimal.Decimal{}, numberSyntax(s)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return decimal.Decimal{}, numberSyntax(s)
			}
		}
		intPart = strings.ReplaceAll(intPart, string(group), "")
	}
	if intPart == "" {
		intPart = "0" // ",5" and ".5"
	}
	if strings.ContainsAny(intPart+frac, ".,") {
		return decimal.Decimal{}, numberSyntax(s)
	}
	if len(frac) > maxNumberDecimals {
		return decimal.Decimal{}, numberRange(s)
	}
	lit := intPart
	if frac != "" {
		lit += "." + frac
	}
	if neg {
		lit = "-" + lit
	}
	d, err := decimal.NewFromString(lit)
	if err != nil {
		return decimal.Decimal{}, numberSyntax(s)
	}
	if d.Coefficient().BitLen() > maxNumberBits {
		return decimal.Decimal{}, numberRange(s)
	}
	return d, nil
}

// groupHead reports whether s can open a number grouped in thousands: one
// to three digits, not starting with 0.
func groupHead(s string) bool {
	return len(s) >= 1 && len(s) <= 3 && s[0] != '0'
}

func numberSyntax(s string) error {
	return &NumberError{Kind: NumberSyntax, Input: s, Text: Text{
		Ru: "не число: напишите цифры с десятичной запятой или точкой, например 1 000 000,50 или 1000000.50",
		En: "not a number: write digits with a decimal point or comma, e.g. 1 000 000,50 or 1000000.50"}}
}

func numberRange(s string) error {
	return &NumberError{Kind: NumberRange, Input: s, Text: Text{
		Ru: "слишком длинное число (не более 38 значащих цифр и 30 знаков после запятой)",
		En: "the number is too long (at most 38 significant digits and 30 decimals)"}}
}

// numberAmbiguous explains "5,000": head and tail are the digits around
// the comma.
func numberAmbiguous(s, head, tail string) error {
	thousands := head + tail
	frac := strings.TrimRight(tail, "0")
	decEn, decRu := head, head
	switch {
	case len(frac) == 3: // "1,001": only a point is unambiguous
		decEn, decRu = head+"."+frac, head+"."+frac
	case frac != "":
		decEn, decRu = head+"."+frac, head+","+frac
	}
	in := strings.TrimSpace(s)
	return &NumberError{Kind: NumberAmbiguous, Input: s, Text: Text{
		Ru: "неоднозначно: «" + in + "» — это " + thousands + " или " + decRu + "? Запятая перед тремя цифрами может отделять и тысячи, и дробную часть; напишите " + thousands + " или " + decRu,
		En: "ambiguous: is \"" + in + "\" " + thousands + " or " + decEn + "? A comma before three digits may separate thousands or decimals; write " + thousands + " or " + decEn}}
}
