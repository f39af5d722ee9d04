package calc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestParseNumber holds the one grammar of typed numbers to the cases the
// web form and the batch reader each had before they shared it, and to the
// case they disagreed on ("5,000": 5000 in the form, 5 in a batch file).
func TestParseNumber(t *testing.T) {
	for _, c := range []struct{ in, lang, want string }{
		// The form's cases.
		{"1 000 000,50", "ru", "1000000.5"},
		{"1\u00a0000\u00a0000,50", "ru", "1000000.5"},
		{"1\u202f000\u2009000,50", "ru", "1000000.5"},
		{"1,000,000.50", "en", "1000000.5"},
		{"1.000.000,50", "ru", "1000000.5"},
		{"24,5", "ru", "24.5"},
		{"24.5", "ru", "24.5"},
		{"1,000", "en", "1000"},
		{"2,5", "en", "2.5"},
		{"−5", "ru", "-5"},
		// The batch reader's cases (files: no known convention).
		{"1 000 000 000,50", "", "1000000000.5"},
		{"1,000,000.00", "", "1000000"},
		{"0,18", "", "0.18"},
		{"19.5", "", "19.5"},
		{"1000000.5", "", "1000000.5"},
		{"5 000 000 000,50", "", "5000000000.5"},
		{"1,000.25", "", "1000.25"},
		{"1.005", "", "1.005"},
		{"  +7 ", "", "7"},
		{"1'000'000", "", "1000000"},
		{"1’000", "", "1000"},
		{"1_000", "", "1000"},
		// A single comma that cannot group thousands is decimal everywhere.
		{"0,125", "en", "0.125"},
		{"0,125", "ru", "0.125"},
		{"1000,000", "ru", "1000"},
		{"1 000,000", "ru", "1000"},
		{"12,3456", "en", "12.3456"},
		{",5", "ru", "0.5"},
		{".5", "en", "0.5"},
		// A single point is decimal everywhere, even before three digits.
		{"1.000", "en", "1"},
		{"1.000", "ru", "1"},
		{"1.000", "", "1"},
		// Grouping in English.
		{"5,000", "en", "5000"},
		{"250,000", "en", "250000"},
		{"-5,000", "en", "-5000"},
		{"1,000,000", "ru", "1000000"},
		{"1.000.000", "en", "1000000"},
		{"99999999999999999999999999999999999999", "", "99999999999999999999999999999999999999"},
	} {
		d, err := calc.ParseNumber(c.in, c.lang)
		if err != nil || d.String() != c.want {
			t.Errorf("ParseNumber(%q, %q) = %s, %v; want %s", c.in, c.lang, d, err, c.want)
		}
	}
}

func TestParseNumberRefuses(t *testing.T) {
	for _, c := range []struct {
		in, lang string
		kind     calc.NumberErrorKind
		says     string // part of the English message
	}{
		// Ambiguous outside English: never a silent guess.
		{"5,000", "ru", calc.NumberAmbiguous, `is "5,000" 5000 or 5?`},
		{"5,000", "", calc.NumberAmbiguous, "write 5000 or 5"},
		{"250,500", "ru", calc.NumberAmbiguous, "write 250500 or 250.5"},
		{"1,001", "", calc.NumberAmbiguous, "write 1001 or 1.001"},
		{"-5,000", "ru", calc.NumberAmbiguous, "5000"},
		// Not numbers.
		{"", "ru", calc.NumberSyntax, "not a number"},
		{"   ", "en", calc.NumberSyntax, "not a number"},
		{"abc", "ru", calc.NumberSyntax, "not a number"},
		{"1e5", "en", calc.NumberSyntax, "not a number"},
		{"1e999999", "ru", calc.NumberSyntax, "not a number"},
		{"1,2,3.4.5", "ru", calc.NumberSyntax, "not a number"},
		{"--1", "ru", calc.NumberSyntax, "not a number"},
		{"+-1", "ru", calc.NumberSyntax, "not a number"},
		{"-", "en", calc.NumberSyntax, "not a number"},
		{".", "en", calc.NumberSyntax, "not a number"},
		{"5.", "en", calc.NumberSyntax, "not a number"},
		{"1,00,000", "en", calc.NumberSyntax, "not a number"}, // groups of three
		{"0,000,000", "en", calc.NumberSyntax, "not a number"},
		{"1234,567.8", "en", calc.NumberSyntax, "not a number"},
		{"1.2.3", "en", calc.NumberSyntax, "not a number"},
		{"1,5,0.5", "en", calc.NumberSyntax, "not a number"},
		{"NaN", "en", calc.NumberSyntax, "not a number"},
		{"12 %", "en", calc.NumberSyntax, "not a number"},
		{"0x10", "en", calc.NumberSyntax, "not a number"},
		{"١٢", "en", calc.NumberSyntax, "not a number"}, // digits of other scripts
		// Too long.
		{strings.Repeat("9", 65), "en", calc.NumberRange, "too long"},
		{"999999999999999999999999999999999999999", "en", calc.NumberRange, "too long"},
		{"0." + strings.Repeat("1", 31), "en", calc.NumberRange, "too long"},
	} {
		_, err := calc.ParseNumber(c.in, c.lang)
		var ne *calc.NumberError
		if !errors.As(err, &ne) || ne.Kind != c.kind || !strings.Contains(ne.In("en"), c.says) {
			t.Errorf("ParseNumber(%q, %q) = %v; want kind %d saying %q", c.in, c.lang, err, c.kind, c.says)
			continue
		}
		if ru := ne.In("ru"); ru == "" || ru == ne.In("en") {
			t.Errorf("ParseNumber(%q): no Russian message", c.in)
		}
	}
}

func ExampleParseNumber() {
	for _, c := range []struct{ in, lang string }{
		{"1 000 000,50", "ru"}, {"1,000,000.50", "en"}, {"5,000", "en"}, {"5,000", "ru"},
	} {
		d, err := calc.ParseNumber(c.in, c.lang)
		if err != nil {
			fmt.Println(c.in, c.lang, "→", err.(*calc.NumberError).In(c.lang))
			continue
		}
		fmt.Println(c.in, c.lang, "→", d)
	}
	// Output:
	// 1 000 000,50 ru → 1000000.5
	// 1,000,000.50 en → 1000000.5
	// 5,000 en → 5000
	// 5,000 ru → неоднозначно: «5,000» — это 5000 или 5? Запятая перед тремя цифрами может отделять и тысячи, и дробную часть; напишите 5000 или 5
}
