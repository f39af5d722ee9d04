package handlers_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
)

// decodeCase is a body for the differential tests of DecodeRequest.
type decodeCase struct {
	name string
	body string
	// slow marks a body the reference accepts but the fast path declines
	// by design; every other body the reference accepts must be read by
	// the fast path, which is what keeps the route cheap.
	slow bool
}

// full is a request with every member of calc.Request present.
const full = `{"project":{"name":"Завод «Ромашка» \"Север\"","participants":[{"name":"A","country":"BY","share":"40"},{"name":"","country":"RU","share":35.5},{"country":"KZ","share":"24.5"}]},
	"loan":{"amount":"1000000000.00","currency":"RUB","rate":"24.5","issue_date":"2025-03-14","term_months":60,"repayment":"equal_principal",
	"frequency":"quarterly","grace_months":6,"day_count":"30/360",
	"disbursements":[{"date":"2025-03-14","amount":"600000000"},{"date":"2025-09-01","amount":400000000.00}],
	"rate_changes":[{"date":"2026-03-14","rate":"22"},{"date":"2027-03-14","rate":2.1e1}]},
	"subsidy":{"programme":"custom","base_rates":[{"date":"2024-01-01","rate":"16"},{"date":"2025-06-01","rate":"-0.25"}],"base_country":"KZ",
	"rule":{"base_share":"0.7","plus_points":"1","minus_loan":true,"loan_share":"0.4","borrower_floor":"3","base_fixing":"payment_date"},
	"annual_cap":{"amount":"350000000","currency":"USD"},"fx":[{"year":2025,"rate":"0.18"},{"rate":0.17},{"year":null,"rate":"0.2"}],
	"start":"2025-04-01","end":"2029-12-31","contributions":[{"country":"RU","share":"85"},{"country":"BY","share":"15"}],"max_term_months":48},
	"discount_rate":"16","lang":"en"}`

// decodeEdgeCases are bodies of my own around the corners of the JSON
// rules and of the types of calc.Request.
func decodeEdgeCases() []decodeCase {
	c := []decodeCase{
		{name: "Full", body: full},
		{name: "FullIndented", body: strings.NewReplacer(",", ",\n\t ", ":", " :\r\n", "{", "{ ", "}", " }", "[", "[\t", "]", "\n]").Replace(full)},
		{name: "NullsEverywhere", body: `{"project":null,"loan":null,"subsidy":null,"discount_rate":null,"lang":null}`},
		{name: "NullMembers", body: `{"project":{"name":null,"participants":[null,{"name":null,"country":null,"share":null}]},
			"loan":{"amount":null,"currency":null,"rate":null,"issue_date":null,"term_months":null,"repayment":null,"frequency":null,
			"grace_months":null,"day_count":null,"disbursements":[{"date":null,"amount":null},null],"rate_changes":[{"date":null,"rate":null}]},
			"subsidy":{"programme":null,"base_rates":null,"base_country":null,"rule":null,"annual_cap":null,"fx":[{"year":null,"rate":null}],
			"start":null,"end":null,"contributions":[{"country":null,"share":null}],"max_term_months":null}}`},
		{name: "NullSlices", body: `{"project":{"participants":null},"loan":{"disbursements":null,"rate_changes":null},"subsidy":{"base_rates":null,"fx":null,"contributions":null}}`},
		{name: "RuleNullTerms", body: `{"subsidy":{"rule":{"base_share":null,"plus_points":null,"minus_loan":null,"loan_share":null,"borrower_floor":null,"base_fixing":null}}}`},
		{name: "RuleEmpty", body: `{"subsidy":{"rule":{}}}`},
		{name: "MinusLoanFalse", body: `{"subsidy":{"rule":{"minus_loan":false}}}`},
		{name: "CapNull", body: `{"subsidy":{"annual_cap":null}}`},
		{name: "CapEmpty", body: `{"subsidy":{"annual_cap":{}}}`},
		{name: "CapNullMembers", body: `{"subsidy":{"annual_cap":{"amount":null,"currency":null}}}`},
		{name: "CapNumber", body: `{"subsidy":{"annual_cap":{"currency":"RUB","amount":1e6}}}`},
		{name: "EmptyArrays", body: `{"project":{"participants":[]},"loan":{"disbursements":[],"rate_changes":[ ]},"subsidy":{"base_rates":[],"fx":[],"contributions":[]}}`},
		{name: "EmptyObjects", body: `{"project":{},"loan":{},"subsidy":{}}`},
		{name: "EmptyObject", body: `{}`},
		{name: "EmptyObjectSpaced", body: " \t\r\n{ \t\r\n} \t\r\n"},
		{name: "TopNull", body: `null`},
		{name: "TopNullSpaced", body: " null\n"},
		{name: "Lang", body: `{"lang":"en"}`},

		// Members the fast path leaves to the reference (rule terms of
		// SPEC §9, scenarios of §10, a comparison's programme list).
		{name: "RuleFloorAndSteps", body: `{"subsidy":{"programme":"ru-kip","rule":{"floor_base_share":"0.3","borrower_floor":3,"steps":[{"from_year":4,"loan_share":"0.5"},{"from_year":6,"minus_loan":true,"floor_base_share":null}]}}}`},
		{name: "RuleStepsNull", body: `{"subsidy":{"rule":{"steps":null}}}`},
		{name: "RuleStepBadYear", body: `{"subsidy":{"rule":{"steps":[{"from_year":"4"}]}}}`},
		{name: "RuleStepUnknown", body: `{"subsidy":{"rule":{"steps":[{"from_year":4,"share":"0.5"}]}}}`},
		{name: "Scenarios", body: `{"scenarios":["low","base",{"name":"mine","country":"RU","years":[{"year":2027,"rate":"9.5"}]},{"name":"pts","country":"KZ","points":[{"date":"2027-01-01","rate":12}]}]}`, slow: true},
		{name: "ScenariosEmpty", body: `{"scenarios":[]}`, slow: true},
		{name: "ScenarioNumber", body: `{"scenarios":[1]}`},
		{name: "ScenarioUnknownMember", body: `{"scenarios":[{"name":"x","path":[]}]}`},
		{name: "Programmes", body: `{"programmes":["eaeu-industrial","ru-kip"]}`},
		{name: "ProgrammesNotList", body: `{"programmes":"ru-kip"}`},
		{name: "LangOther", body: `{"lang":"fr"}`},

		// Decimals: strings and numbers, every shape ParseDecimal takes.
		{name: "NumbersNotStrings", body: `{"loan":{"amount":1000000000.00,"rate":24.50},"discount_rate":16,"project":{"participants":[{"share":40}]}}`},
		{name: "DecimalExponents", body: `{"loan":{"amount":1e9,"rate":"2.45E+1"},"discount_rate":"1.6e1","subsidy":{"rule":{"base_share":7E-1,"plus_points":"-1e-2"}}}`},
		{name: "DecimalZeros", body: `{"loan":{"amount":"0","rate":"-0"},"discount_rate":"0.00","project":{"participants":[{"share":-0.0},{"share":"000"},{"share":0}]}}`},
		{name: "DecimalLeadingZeros", body: `{"loan":{"amount":"007.50","rate":"-00.1"}}`},
		{name: "Decimal18Chars", body: `{"loan":{"amount":"999999999999999999","rate":"-99999999999999999"},"discount_rate":"12345678901234567.8"}`},
		{name: "Decimal19Chars", body: `{"loan":{"amount":"9999999999999999999","rate":"-999999999999999999"},"discount_rate":"123456789012345678.9"}`},
		{name: "DecimalLong", body: `{"loan":{"amount":"123456789012345678901234567890.12345678","rate":-1234567890123456789012345678901234567.8}}`},
		{name: "DecimalManyPlaces", body: `{"loan":{"amount":"0.000000000000000000000000000001","rate":0.00000000000000000000000000001}}`},
		{name: "DecimalTooManyPlaces", body: `{"loan":{"amount":"0.0000000000000000000000000000001"}}`},
		{name: "DecimalTooManyDigits", body: `{"loan":{"amount":"123456789012345678901234567890123456789012"}}`},
		{name: "DecimalExponentFiveDigits", body: `{"loan":{"amount":1e10000}}`},
		{name: "DecimalExponentBig", body: `{"loan":{"amount":"1e31"}}`},
		{name: "DecimalEscaped", body: `{"loan":{"amount":"\u0031\u0030.5","rate":"2\u002e5"}}`},
		{name: "DecimalUnicodeMinus", body: `{"loan":{"amount":"\u22125"}}`},
		{name: "DecimalPoint", body: `{"loan":{"amount":"5."}}`},
		{name: "DecimalLeadingPoint", body: `{"loan":{"amount":".5"}}`},
		{name: "DecimalTwoPoints", body: `{"loan":{"amount":"1.2.3"}}`},
		{name: "DecimalMinus", body: `{"loan":{"amount":"-"}}`},
		{name: "DecimalMinusPoint", body: `{"loan":{"amount":"-.5"}}`},
		{name: "DecimalBool", body: `{"loan":{"rate":false}}`},
		{name: "DecimalPointerArray", body: `{"discount_rate":[]}`},

		// JSON numbers the grammar refuses.
		{name: "NumberLeadingZero", body: `{"loan":{"amount":01}}`},
		{name: "NumberMinusLeadingZero", body: `{"loan":{"amount":-01}}`},
		{name: "NumberPlus", body: `{"loan":{"amount":+1}}`},
		{name: "NumberBarePoint", body: `{"loan":{"amount":1.}}`},
		{name: "NumberLeadingPoint", body: `{"loan":{"amount":.5}}`},
		{name: "NumberBareExponent", body: `{"loan":{"amount":1e}}`},
		{name: "NumberExponentSign", body: `{"loan":{"amount":1e+}}`},
		{name: "NumberMinus", body: `{"loan":{"amount":-}}`},
		{name: "NumberHex", body: `{"loan":{"amount":0x10}}`},
		{name: "NumberNaN", body: `{"loan":{"amount":NaN}}`},
		{name: "NumberInfinity", body: `{"loan":{"amount":-Infinity}}`},
		{name: "NumberTrailingLetter", body: `{"loan":{"amount":12a}}`},
		{name: "NumberTwoPoints", body: `{"loan":{"amount":1.2.3}}`},
		{name: "NumberSpaceInside", body: `{"loan":{"amount":1 2}}`},

		// Integers.
		{name: "IntNegativeZero", body: `{"loan":{"term_months":-0,"grace_months":-3},"subsidy":{"max_term_months":0,"fx":[{"year":-2025}]}}`},
		{name: "Int18Digits", body: `{"loan":{"term_months":999999999999999999,"grace_months":-999999999999999999}}`},
		{name: "IntMax", body: `{"loan":{"term_months":9223372036854775807,"grace_months":-9223372036854775808}}`, slow: true},
		{name: "IntOverflow", body: `{"loan":{"term_months":9223372036854775808}}`},
		{name: "IntUnderflow", body: `{"loan":{"term_months":-9223372036854775809}}`},
		{name: "IntFraction", body: `{"loan":{"term_months":12.0}}`},
		{name: "IntExponent", body: `{"loan":{"term_months":1e2}}`},
		{name: "IntString", body: `{"subsidy":{"max_term_months":"12"}}`},
		{name: "IntBool", body: `{"subsidy":{"fx":[{"year":true}]}}`},
		{name: "IntObject", body: `{"loan":{"grace_months":{}}}`},

		// Booleans and other literals.
		{name: "BoolString", body: `{"subsidy":{"rule":{"minus_loan":"true"}}}`},
		{name: "BoolNumber", body: `{"subsidy":{"rule":{"minus_loan":1}}}`},
		{name: "BoolCapital", body: `{"subsidy":{"rule":{"minus_loan":True}}}`},
		{name: "BoolTruncated", body: `{"subsidy":{"rule":{"minus_loan":tru}}}`},
		{name: "BoolTrailing", body: `{"subsidy":{"rule":{"minus_loan":truex}}}`},
		{name: "NullTruncated", body: `{"loan":{"rate":nul}}`},
		{name: "NullTrailing", body: `{"loan":{"rate":nullnull}}`},
		{name: "NullNoSpace", body: `{"loan":{"rate":null,"amount":null}}`},
		{name: "StringForObject", body: `{"subsidy":{"rule":"x"}}`},
		{name: "NumberForArray", body: `{"subsidy":{"fx":1}}`},
		{name: "ArrayForString", body: `{"lang":["en"]}`},
		{name: "StringForCap", body: `{"subsidy":{"annual_cap":"none"}}`},
		{name: "ArrayForCap", body: `{"subsidy":{"annual_cap":[]}}`},
		{name: "BoolForCap", body: `{"subsidy":{"annual_cap":false}}`},

		// Dates.
		{name: "DateLeapDay", body: `{"loan":{"issue_date":"2024-02-29"},"subsidy":{"start":"2000-02-29","end":"9999-12-31"}}`},
		{name: "DateNotLeap", body: `{"loan":{"issue_date":"2023-02-29"}}`},
		{name: "DateCenturyNotLeap", body: `{"loan":{"issue_date":"1900-02-29"}}`},
		{name: "DateYearZero", body: `{"loan":{"issue_date":"0000-01-01"}}`},
		{name: "DateMonthEnds", body: `{"loan":{"issue_date":"2025-04-30","disbursements":[{"date":"2025-01-31"},{"date":"2025-12-31"},{"date":"2025-06-30"}]}}`},
		{name: "DateApril31", body: `{"loan":{"issue_date":"2025-04-31"}}`},
		{name: "DateMonth13", body: `{"loan":{"issue_date":"2025-13-01"}}`},
		{name: "DateMonth0", body: `{"loan":{"issue_date":"2025-00-10"}}`},
		{name: "DateDay0", body: `{"loan":{"issue_date":"2025-01-00"}}`},
		{name: "DateShortMonth", body: `{"loan":{"issue_date":"2025-3-14"}}`},
		{name: "DateFiveDigitYear", body: `{"loan":{"issue_date":"12025-03-14"}}`},
		{name: "DateSpaces", body: `{"loan":{"issue_date":" 2025-03-14"}}`},
		{name: "DateSigned", body: `{"loan":{"issue_date":"+025-03-14"}}`},
		{name: "DateSlashes", body: `{"loan":{"issue_date":"2025/03/14"}}`},
		{name: "DateFullwidth", body: `{"loan":{"issue_date":"２０２５-03-14"}}`},
		{name: "DateEscaped", body: `{"loan":{"issue_date":"2025\u002d03-14"}}`},
		{name: "DateNull", body: `{"subsidy":{"start":null,"end":"2030-01-01"}}`},
		{name: "DateNumber", body: `{"subsidy":{"start":20250314}}`},
		{name: "DateEmpty", body: `{"subsidy":{"end":""}}`},

		// Strings and names.
		{name: "UnicodeText", body: `{"project":{"name":"Завод 🚌 ☃ \u2028 \u00e9 é"},"loan":{"currency":"руб"}}`},
		{name: "RawDEL", body: "{\"project\":{\"name\":\"a\x7fb\"}}"},
		{name: "RawLineSeparator", body: "{\"project\":{\"name\":\"a\u2028b\u2029\"}}"},
		{name: "EscapesAll", body: `{"project":{"name":"\"\\\/\b\f\n\r\t\u0000\u001F\uFFFF\ud83d\ude8c"}}`},
		{name: "EscapedName", body: `{"lo\u0061n":{"\u0061mount":"1"}}`},
		{name: "EscapedNameDuplicate", body: `{"loan":{},"lo\u0061n":{}}`},
		{name: "EscapedNameUnknown", body: `{"lo\u0041n":{}}`},
		{name: "LoneHighSurrogate", body: `{"project":{"name":"\ud800"}}`},
		{name: "LoneLowSurrogate", body: `{"project":{"name":"\udc00x"}}`},
		{name: "ReversedSurrogates", body: `{"project":{"name":"\ude8c\ud83d"}}`},
		{name: "BadEscape", body: `{"project":{"name":"\x41"}}`},
		{name: "ShortUnicodeEscape", body: `{"project":{"name":"\u12"}}`},
		{name: "EscapeAtEnd", body: `{"project":{"name":"\`},
		{name: "RawControl", body: "{\"project\":{\"name\":\"a\x01b\"}}"},
		{name: "RawUnitSeparator", body: "{\"project\":{\"name\":\"\x1f\"}}"},
		{name: "RawControlAfterUnicode", body: "{\"project\":{\"name\":\"é\x1f\"}}"},
		{name: "RawControlAfterEscape", body: "{\"project\":{\"name\":\"\\n\x1f\"}}"},
		{name: "RawTab", body: "{\"project\":{\"name\":\"a\tb\"}}"},
		{name: "RawNewlineInName", body: "{\"lo\nan\":{}}"},
		{name: "InvalidUTF8", body: "{\"project\":{\"name\":\"\xff\"}}"},
		{name: "InvalidUTF8Escaped", body: "{\"project\":{\"name\":\"\\n\xc3\"}}"},
		{name: "OverlongSlash", body: "{\"project\":{\"name\":\"\xc0\xaf\"}}"},
		{name: "EncodedSurrogate", body: "{\"project\":{\"name\":\"\xed\xa0\x80\"}}"},
		{name: "MaxRune", body: "{\"project\":{\"name\":\"\xf4\x8f\xbf\xbf\"}}"},
		{name: "BeyondMaxRune", body: "{\"project\":{\"name\":\"\xf4\x90\x80\x80\"}}"},
		{name: "TruncatedRune", body: "{\"project\":{\"name\":\"\xe2\x82\"}}"},
		{name: "InvalidUTF8InName", body: "{\"loan\xff\":{}}"},
		{name: "InvalidUTF8Outside", body: "{\"loan\":{}\xff}"},
		{name: "UnterminatedString", body: `{"project":{"name":"abc`},
		{name: "StringNumber", body: `{"lang":5}`},
		{name: "InternedAndNot", body: `{"loan":{"currency":"RUB ","repayment":"Annuity","day_count":"act/act"},"subsidy":{"programme":"eaeu-industrial","base_country":"KG"}}`},

		// Structure.
		{name: "UnknownTop", body: `{"foo":null}`},
		{name: "UnknownNested", body: `{"subsidy":{"rule":{"extra":1}}}`},
		{name: "UnknownInArray", body: `{"subsidy":{"fx":[{"rate":"1","yr":2025}]}}`},
		{name: "UnknownInCap", body: `{"subsidy":{"annual_cap":{"amount":"1","Currency":"RUB"}}}`},
		{name: "CaseMismatch", body: `{"LOAN":{}}`},
		{name: "EmptyName", body: `{"":1}`},
		{name: "DuplicateTop", body: `{"lang":"en","lang":"ru"}`},
		{name: "DuplicateNull", body: `{"loan":null,"loan":{}}`},
		{name: "DuplicateNested", body: `{"loan":{"rate":"1","rate":"2"}}`},
		{name: "DuplicateInArray", body: `{"project":{"participants":[{"country":"BY","country":"RU"}]}}`},
		{name: "DuplicateCap", body: `{"subsidy":{"annual_cap":null,"annual_cap":{}}}`},
		{name: "DuplicateCapMember", body: `{"subsidy":{"annual_cap":{"amount":"1","amount":"1"}}}`},
		{name: "DuplicateRule", body: `{"subsidy":{"rule":{"minus_loan":true,"minus_loan":true}}}`},
		{name: "TrailingCommaObject", body: `{"lang":"en",}`},
		{name: "TrailingCommaArray", body: `{"project":{"participants":[{},]}}`},
		{name: "LeadingCommaArray", body: `{"project":{"participants":[,{}]}}`},
		{name: "MissingComma", body: `{"lang":"en" "loan":{}}`},
		{name: "MissingColon", body: `{"lang" "en"}`},
		{name: "MissingValue", body: `{"lang":}`},
		{name: "DoubleColon", body: `{"lang"::"en"}`},
		{name: "NameNotString", body: `{lang:"en"}`},
		{name: "UnclosedObject", body: `{"lang":"en"`},
		{name: "UnclosedArray", body: `{"project":{"participants":[{}`},
		{name: "ExtraClose", body: `{"lang":"en"}}`},
		{name: "TrailingObject", body: `{}{}`},
		{name: "TrailingNull", body: `{} null`},
		{name: "TrailingNUL", body: "{}\x00"},
		{name: "LeadingBOM", body: "\xef\xbb\xbf{}", slow: true}, // read by the reference, which drops the BOM
		{name: "VerticalTab", body: "\v{}"},
		{name: "NBSPBody", body: "\u00a0"},
		{name: "FormFeedInside", body: "{\f}"},
		{name: "Comment", body: `{/**/}`},
		{name: "ArrayTop", body: `[{}]`},
		{name: "StringTop", body: `"{}"`},
		{name: "NumberTop", body: `0`},
		{name: "TrueTop", body: `true`},
		{name: "Empty", body: ``},
		{name: "Spaces", body: "  \n"},
		{name: "ObjectForArray", body: `{"loan":{"rate_changes":{"date":"2025-01-01"}}}`},
		{name: "NestedArrays", body: `{"project":{"participants":[[]]}}`},
		{name: "DeepInUnknown", body: `{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`},
		{name: "ManyParticipants", body: `{"project":{"participants":[` + strings.Repeat(`{"country":"RU","share":"1"},`, 99) + `{"country":"BY","share":"1"}]}}`},
	}
	return c
}

// decodeCases gathers the bodies of the other tests of the package and
// the edge cases above.
func decodeCases() []decodeCase {
	cases := []decodeCase{{name: "EAEULoan", body: eaeuLoan}, {name: "Valid", body: valid}}
	for _, tc := range malformedCases() {
		cases = append(cases, decodeCase{name: "Malformed" + tc.name, body: tc.body})
	}
	for name, body := range encodeCases {
		// Rule steps and scenarios are the reference's to read.
		slow := strings.Contains(body, `"scenarios"`)
		cases = append(cases, decodeCase{name: "Encode" + name, body: body, slow: slow})
	}
	for i, l := range batchLoans(10) {
		cases = append(cases, decodeCase{name: "Batch" + string(rune('0'+i)), body: l.json()})
	}
	cases = append(cases,
		decodeCase{name: "APINumbers", body: strings.NewReplacer(`"1000000000.00"`, `1000000000`, `"24.5"`, `24.5`, `"40"`, `40`).Replace(eaeuLoan)},
		decodeCase{name: "APICapNull", body: strings.Replace(eaeuLoan, `"programme": "eaeu-industrial"`, `"programme": "eaeu-industrial", "annual_cap": null`, 1)},
		decodeCase{name: "APILangBody", body: strings.Replace(eaeuLoan, `"subsidy":`, `"lang": "en", "subsidy":`, 1)},
		decodeCase{name: "APICyrillicName", body: strings.Replace(eaeuLoan, `"Electric bus components"`, `"Завод"`, 1)},
	)
	return append(cases, decodeEdgeCases()...)
}

// sameDecoding checks DecodeRequest against the reference decoder on
// body, in both languages, and returns whether the fast path read it.
//
// Requests are compared with reflect.DeepEqual, down to the inside of
// every decimal.Decimal: the fast path must build the very value
// ParseDecimal builds (the same coefficient and exponent, so that "24.50"
// stays 24.50 and not 24.5), not merely an equal number. Problems are
// compared whole: type, title, status, detail and field list.
func sameDecoding(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	fastReq, fast := wire.DecodeFast(body)
	for _, lang := range []string{"ru", "en"} {
		want, wantErr := wire.DecodeReflect(body, lang)
		got, gotErr := wire.DecodeRequest(body, lang)
		if fast && wantErr != nil {
			t.Fatalf("%s: the fast path accepts %q, the reference refuses it: %v", lang, body, wantErr)
		}
		if fast && !reflect.DeepEqual(fastReq, want) {
			t.Fatalf("%s: the fast path reads %q as\n%#v\nthe reference as\n%#v", lang, body, fastReq, want)
		}
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%s: %q: DecodeRequest error %v, reference %v", lang, body, gotErr, wantErr)
		}
		if wantErr != nil {
			var gp, wp *wire.Problem
			if !errors.As(gotErr, &gp) || !errors.As(wantErr, &wp) || !reflect.DeepEqual(gp, wp) {
				t.Fatalf("%s: %q: DecodeRequest problem\n%#v\nreference\n%#v", lang, body, gotErr, wantErr)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: DecodeRequest reads %q as\n%#v\nthe reference as\n%#v", lang, body, got, want)
		}
	}
	return fast
}

// TestDecodeRequestDifferential holds DecodeRequest, fast path and all,
// to the reflection decoder on every body of the table, and the fast path
// to reading every valid body of it but the few it leaves by design.
func TestDecodeRequestDifferential(t *testing.T) {
	for _, tc := range decodeCases() {
		t.Run(tc.name, func(t *testing.T) {
			fast := sameDecoding(t, []byte(tc.body))
			_, err := wire.DecodeReflect([]byte(tc.body), "en")
			switch {
			case err == nil && !fast && !tc.slow:
				t.Errorf("a valid body goes the slow way: %.200q", tc.body)
			case tc.slow && (fast || err != nil):
				t.Errorf("marked slow, but fast %v, reference error %v", fast, err)
			}
		})
	}
}

// TestDecodeRequestFastDefaults checks the results of the fast path the
// differential test cannot tell from the reference's by itself being
// wrong: null, absent and empty values.
func TestDecodeRequestFastDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		check      func(*calc.Request) bool
	}{
		{"CapAbsent", `{"subsidy":{}}`, func(r *calc.Request) bool { return !r.Subsidy.AnnualCap.Set }},
		{"CapNull", `{"subsidy":{"annual_cap":null}}`, func(r *calc.Request) bool { return r.Subsidy.AnnualCap.Set && r.Subsidy.AnnualCap.Cap == nil }},
		{"CapGiven", `{"subsidy":{"annual_cap":{"amount":"5","currency":"RUB"}}}`, func(r *calc.Request) bool {
			c := r.Subsidy.AnnualCap
			return c.Set && c.Cap != nil && c.Cap.Amount.String() == "5" && c.Cap.Currency == "RUB"
		}},
		{"RateNull", `{"loan":{"rate":null}}`, func(r *calc.Request) bool { return r.Loan.Rate == nil }},
		{"RateGiven", `{"loan":{"rate":"24.50"}}`, func(r *calc.Request) bool {
			return r.Loan.Rate != nil && r.Loan.Rate.String() == "24.5" && r.Loan.Rate.Exponent() == -2
		}},
		{"EmptyArrayNotNil", `{"project":{"participants":[]}}`, func(r *calc.Request) bool { return r.Project.Participants != nil && len(r.Project.Participants) == 0 }},
		{"NullArrayNil", `{"project":{"participants":null}}`, func(r *calc.Request) bool { return r.Project.Participants == nil }},
		{"FXWithoutYear", `{"subsidy":{"fx":[{"rate":"0.17"},{"year":2025,"rate":"0.18"}]}}`, func(r *calc.Request) bool {
			fx := r.Subsidy.FX
			return len(fx) == 2 && fx[0].Year == nil && fx[1].Year != nil && *fx[1].Year == 2025
		}},
		{"RuleNull", `{"subsidy":{"rule":null}}`, func(r *calc.Request) bool { return r.Subsidy.Rule == nil }},
		{"RuleEmpty", `{"subsidy":{"rule":{}}}`, func(r *calc.Request) bool {
			return r.Subsidy.Rule != nil && reflect.DeepEqual(*r.Subsidy.Rule, calc.RuleOverride{})
		}},
		{"MinusLoanFalse", `{"subsidy":{"rule":{"minus_loan":false}}}`, func(r *calc.Request) bool {
			return r.Subsidy.Rule.MinusLoan != nil && !*r.Subsidy.Rule.MinusLoan
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, ok := wire.DecodeFast([]byte(tc.body))
			if !ok {
				t.Fatalf("the fast path declines %s", tc.body)
			}
			if !tc.check(req) {
				t.Errorf("%s read as %#v", tc.body, req)
			}
		})
	}
}

// FuzzDecodeRequestDifferential looks for a body on which DecodeRequest
// and the reflection decoder disagree, or on which the fast path accepts
// what the reference refuses or reads it differently:
//
//	go test -run '^$' -fuzz FuzzDecodeRequestDifferential -fuzztime 2m ./handlers
func FuzzDecodeRequestDifferential(f *testing.F) {
	for _, tc := range decodeCases() {
		if len(tc.body) < 4096 {
			f.Add([]byte(tc.body))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameDecoding(t, body)
	})
}
