package wire

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"
)

// Bounds of [ParseDecimal]. They are far outside anything calc accepts,
// and keep every decimal the service holds cheap to compute with.
const (
	maxDecimalLen      = 64 // characters of the literal
	maxDecimalExponent = 30 // |exponent| of the parsed decimal
	maxDecimalBits     = 128
)

// Errors of [ParseDecimal].
var (
	ErrNumberSyntax = errors.New("not a decimal number")
	ErrNumberRange  = errors.New("number out of range")
)

// ParseDecimal reads a plain decimal number: an optional minus, digits,
// an optional fraction and an optional exponent of at most four digits
// ("-1234.56", "0.5", "1e6"). It refuses anything else ("+1", ".5", "1,5",
// "NaN", " 1") with [ErrNumberSyntax], and numbers that would make decimal
// arithmetic slow ("1e999999999", more than 30 decimal places, more than 38
// significant digits, literals over 64 characters) with [ErrNumberRange].
func ParseDecimal(s string) (decimal.Decimal, error) {
	if len(s) > maxDecimalLen {
		return decimal.Decimal{}, ErrNumberRange
	}
	switch isDecimalLiteral(s) {
	case literalBad:
		return decimal.Decimal{}, ErrNumberSyntax
	case literalHugeExponent:
		return decimal.Decimal{}, ErrNumberRange
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, ErrNumberSyntax
	}
	if e := d.Exponent(); e < -maxDecimalExponent || e > maxDecimalExponent || d.Coefficient().BitLen() > maxDecimalBits {
		return decimal.Decimal{}, ErrNumberRange
	}
	return d, nil
}

type literalKind int

const (
	literalOK literalKind = iota
	literalBad
	literalHugeExponent // well-formed, but the exponent has over 4 digits
)

// isDecimalLiteral matches -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?, and
// tells apart an exponent of more than four digits.
func isDecimalLiteral(s string) literalKind {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return literalBad
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return literalBad
		}
	}
	huge := false
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		n := digits()
		if n == 0 {
			return literalBad
		}
		huge = n > 4
	}
	switch {
	case i != len(s):
		return literalBad
	case huge:
		return literalHugeExponent
	}
	return literalOK
}

// decodeState is the per-call state of [DecodeRequest]: the options hold
// unmarshalers bound to this state's error list, so states are pooled
// rather than rebuilt for every request.
type decodeState struct {
	lang string
	errs []FieldProblem
	opts json.Options
}

var decodeStates = sync.Pool{New: func() any {
	st := &decodeState{}
	st.opts = json.JoinOptions(
		json.RejectUnknownMembers(true), // a typo must not be silently ignored
		json.WithUnmarshalers(json.JoinUnmarshalers(
			json.UnmarshalFromFunc(st.decimal),
			json.UnmarshalFromFunc(st.date),
			json.UnmarshalFromFunc(st.optionalCap),
			json.UnmarshalFromFunc(st.scenarioRef), // compare.go
		)),
	)
	return st
}}

func (st *decodeState) add(ptr jsontext.Pointer, msg calc.Text) {
	st.errs = append(st.errs, FieldProblem{Field: fieldPath(ptr), Message: msg.In(st.lang)})
}

// decimal reads a decimal from a JSON string or number (API.md: money and
// rates travel as strings; numbers are accepted too). A bad value is
// recorded and decoding goes on, so that every bad number is reported.
func (st *decodeState) decimal(dec *jsontext.Decoder, v *decimal.Decimal) error {
	ptr := dec.StackPointer()
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	var s string
	switch tok.Kind() {
	case '"':
		s = tok.String()
	case '0':
		s = tok.String() // the number's literal text
	case 'n':
		*v = decimal.Decimal{}
		return nil
	default:
		if err := skipRest(dec, tok); err != nil {
			return err
		}
		st.add(ptr, calc.Text{Ru: `должно быть десятичным числом в строке, например "1234.56"`, En: `must be a decimal number in a string, such as "1234.56"`})
		return nil
	}
	d, err := ParseDecimal(s)
	switch {
	case errors.Is(err, ErrNumberRange):
		st.add(ptr, calc.Text{Ru: "число слишком велико или содержит слишком много знаков", En: "the number is too large or has too many digits"})
	case err != nil:
		st.add(ptr, calc.Text{Ru: fmt.Sprintf(`%q не является десятичным числом (пример: "1234.56")`, Clip(s)), En: fmt.Sprintf(`%q is not a decimal number (example: "1234.56")`, Clip(s))})
	default:
		*v = d
	}
	return nil
}

// date reads a calc.Date from a string YYYY-MM-DD.
func (st *decodeState) date(dec *jsontext.Decoder, v *calc.Date) error {
	ptr := dec.StackPointer()
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*v = 0
		return nil
	case '"':
		s := tok.String()
		d, err := calc.ParseDate(s)
		if err != nil {
			st.add(ptr, calc.Text{Ru: fmt.Sprintf("%q не является датой ГГГГ-ММ-ДД", Clip(s)), En: fmt.Sprintf("%q is not a date YYYY-MM-DD", Clip(s))})
			return nil
		}
		*v = d
		return nil
	}
	if err := skipRest(dec, tok); err != nil {
		return err
	}
	st.add(ptr, calc.Text{Ru: "должно быть датой в строке ГГГГ-ММ-ДД", En: "must be a date in a string YYYY-MM-DD"})
	return nil
}

// optionalCap reads annual_cap: null removes the cap, an object sets it.
// calc.OptionalCap's own UnmarshalJSON would decode the object with the
// lenient encoding/json rules; this keeps the strict ones inside it.
func (st *decodeState) optionalCap(dec *jsontext.Decoder, v *calc.OptionalCap) error {
	v.Set = true
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		v.Cap = nil
		return err
	}
	var c calc.Cap
	if err := json.UnmarshalDecode(dec, &c); err != nil {
		return err
	}
	v.Cap = &c
	return nil
}

// skipRest skips the rest of a value whose first token was tok.
func skipRest(dec *jsontext.Decoder, tok jsontext.Token) error {
	if k := tok.Kind(); k == '{' || k == '[' {
		depth := 1
		for depth > 0 {
			t, err := dec.ReadToken()
			if err != nil {
				return err
			}
			switch t.Kind() {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
	}
	return nil
}

// Clip shortens user text quoted in a message.
func Clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	r := []rune(s)
	if len(r) <= 40 {
		return s
	}
	return string(r[:40]) + "…"
}

// DecodeRequest decodes a calculation request from JSON, strictly: the
// body must be one JSON object with no trailing data, no duplicate or
// unknown members (names are case-sensitive), values of the right JSON
// types, numbers that [ParseDecimal] accepts and dates YYYY-MM-DD. It
// does not check domain rules (calc.Calculate does). A failure is a 400
// *Problem of type [TypeMalformed] naming the field by its JSON path;
// every bad number and date is listed, the first structural error only.
// lang chooses the language of the messages. A leading UTF-8 byte order
// mark is ignored.
//
// A well-formed request is read by [DecodeFast], a hand-written reader
// several times cheaper than reflection; whatever it declines (every bad
// body, and a few rare but valid forms) goes to [DecodeReflect], which
// defines the behaviour and writes every problem.
func DecodeRequest(body []byte, lang string) (*calc.Request, error) {
	if req, ok := DecodeFast(body); ok {
		return req, nil
	}
	return DecodeReflect(body, lang)
}

// DecodeReflect is DecodeRequest by reflection (json v2 with the
// unmarshalers of [decodeState]): the reference [DecodeFast] is held to,
// and the only writer of decoding problems. DecodeFast and DecodeReflect
// are exported for the differential tests in package handlers, which hold
// the corpus of requests; callers want DecodeRequest.
func DecodeReflect(body []byte, lang string) (*calc.Request, error) {
	st := decodeStates.Get().(*decodeState)
	st.lang, st.errs = lang, st.errs[:0]
	defer decodeStates.Put(st)

	// A UTF-8 byte order mark (Windows editors write one) is not JSON but
	// says nothing: it is dropped, as RFC 8259 §8.1 allows a parser to.
	// The fast path declines such a body, so it comes here.
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, Malformed(lang, calc.Text{Ru: "пустое тело запроса: ожидается JSON-объект", En: "empty body: a JSON object is expected"}.In(lang), nil)
	}
	req := new(calc.Request)
	err := json.Unmarshal(body, req, st.opts)
	if err != nil {
		fp, detail := DescribeJSONError(err, lang)
		var fields []FieldProblem
		if fp != nil {
			fields = append(fields, *fp)
		}
		// Bad numbers found before the structural error are worth
		// reporting too.
		fields = append(fields, st.errs...)
		return nil, Malformed(lang, detail, fields)
	}
	if len(st.errs) > 0 {
		fields := make([]FieldProblem, len(st.errs))
		copy(fields, st.errs)
		return nil, Malformed(lang, calc.Text{Ru: "значения некоторых полей не удалось прочитать", En: "some values could not be read"}.In(lang), fields)
	}
	return req, nil
}

// Malformed is a 400 problem of a body that cannot be decoded, listing fields.
func Malformed(lang, detail string, fields []FieldProblem) *Problem {
	p := NewProblem(http.StatusBadRequest, TypeMalformed, lang, detail)
	p.Errors = fields
	return p
}

// DescribeJSONError explains a decoding error: the field it concerns (nil
// when none) and a detail for the problem.
func DescribeJSONError(err error, lang string) (*FieldProblem, string) {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		msg := syntaxMessage(syn, lang)
		detail := calc.Text{Ru: fmt.Sprintf("некорректный JSON (байт %d): %s", syn.ByteOffset, msg), En: fmt.Sprintf("malformed JSON at byte offset %d: %s", syn.ByteOffset, msg)}.In(lang)
		if f := syntaxField(syn.JSONPointer); f != "" {
			return &FieldProblem{Field: f, Message: msg}, detail
		}
		return nil, detail
	}
	var sem *json.SemanticError
	if errors.As(err, &sem) {
		field := fieldPath(sem.JSONPointer)
		var msg string
		switch {
		case errors.Is(sem.Err, json.ErrUnknownName):
			msg = calc.Text{Ru: "неизвестное поле (имена полей чувствительны к регистру)", En: "unknown field (field names are case-sensitive)"}.In(lang)
		case sem.GoType != nil:
			msg = typeMessage(sem.GoType, lang)
		default:
			msg = calc.Text{Ru: "недопустимое значение", En: "invalid value"}.In(lang)
		}
		if field == "" {
			field = "$"
			if sem.GoType == reflect.TypeFor[calc.Request]() {
				msg = calc.Text{Ru: "тело запроса должно быть JSON-объектом", En: "the body must be a JSON object"}.In(lang)
			}
		}
		return &FieldProblem{Field: field, Message: msg},
			calc.Text{Ru: "поле " + field + ": " + msg, En: "field " + field + ": " + msg}.In(lang)
	}
	return nil, calc.Text{Ru: "некорректный JSON", En: "malformed JSON"}.In(lang)
}

// syntaxMessage explains a syntax error briefly.
func syntaxMessage(e *jsontext.SyntacticError, lang string) string {
	s := e.Err.Error()
	switch {
	case errors.Is(e.Err, jsontext.ErrDuplicateName):
		return calc.Text{Ru: "поле указано дважды", En: "field given twice"}.In(lang)
	case strings.Contains(s, "invalid UTF-8"):
		return calc.Text{Ru: "текст не в кодировке UTF-8", En: "text is not valid UTF-8"}.In(lang)
	case strings.Contains(s, "EOF"):
		return calc.Text{Ru: "JSON обрывается", En: "JSON ends too early"}.In(lang)
	case strings.Contains(s, "after top-level value"):
		return calc.Text{Ru: "лишние данные после JSON-объекта", En: "extra data after the JSON object"}.In(lang)
	}
	return calc.Text{Ru: "синтаксическая ошибка: " + s, En: "syntax error: " + s}.In(lang)
}

// typeMessage says what JSON a Go type expects.
func typeMessage(t reflect.Type, lang string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[decimal.Decimal]():
		return calc.Text{Ru: `должно быть десятичным числом в строке, например "1234.56"`, En: `must be a decimal number in a string, such as "1234.56"`}.In(lang)
	case reflect.TypeFor[calc.Date]():
		return calc.Text{Ru: "должно быть датой ГГГГ-ММ-ДД", En: "must be a date YYYY-MM-DD"}.In(lang)
	case reflect.TypeFor[calc.ScenarioRef]():
		return calc.Text{Ru: "должно быть названием сценария или объектом {name, country, years | points}", En: "must be a scenario name or an object {name, country, years | points}"}.In(lang)
	}
	switch t.Kind() {
	case reflect.String:
		return calc.Text{Ru: "должно быть строкой", En: "must be a string"}.In(lang)
	case reflect.Int, reflect.Int32, reflect.Int64:
		return calc.Text{Ru: "должно быть целым числом в допустимом диапазоне", En: "must be a whole number within range"}.In(lang)
	case reflect.Bool:
		return calc.Text{Ru: "должно быть true или false", En: "must be true or false"}.In(lang)
	case reflect.Slice, reflect.Array:
		return calc.Text{Ru: "должно быть массивом", En: "must be an array"}.In(lang)
	case reflect.Struct:
		return calc.Text{Ru: "должно быть объектом", En: "must be an object"}.In(lang)
	}
	return calc.Text{Ru: "недопустимый тип значения", En: "wrong type of value"}.In(lang)
}

// syntaxField names the member a syntax error is in: the pointer without
// trailing array indexes (an over-deep [[[[…]]]] is reported at the member
// that holds it), at most maxPathTokens deep.
func syntaxField(p jsontext.Pointer) string {
	var toks []string
	for tok := range p.Tokens() {
		toks = append(toks, tok)
		if len(toks) > maxPathTokens {
			break
		}
	}
	for len(toks) > 0 {
		if _, err := strconv.Atoi(toks[len(toks)-1]); err != nil {
			break
		}
		toks = toks[:len(toks)-1]
	}
	return pathOf(toks)
}

// maxPathTokens bounds the depth of a field path in a problem, so that a
// deeply nested body cannot make the answer large.
const maxPathTokens = 12

// fieldPath turns a JSON pointer into the dotted path API.md uses:
// /project/participants/2/share is project.participants[2].share. Paths
// deeper than maxPathTokens end in "…".
func fieldPath(p jsontext.Pointer) string {
	if p == "" {
		return ""
	}
	var toks []string
	for tok := range p.Tokens() {
		toks = append(toks, tok)
		if len(toks) > maxPathTokens {
			break
		}
	}
	return pathOf(toks)
}

func pathOf(toks []string) string {
	var b strings.Builder
	for i, tok := range toks {
		if i == maxPathTokens {
			b.WriteString("…")
			break
		}
		tok = Clip(tok)
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// scenarioRef reads one entry of "scenarios" strictly: a string is a
// built-in scenario's name, an object a scenario of the user's own, read
// with the decoder's options (so a bad number or date inside it is named
// by its path). calc.ScenarioRef's own UnmarshalJSON serves other callers.
func (st *decodeState) scenarioRef(dec *jsontext.Decoder, v *calc.ScenarioRef) error {
	switch dec.PeekKind() {
	case '"':
		var name string
		if err := json.UnmarshalDecode(dec, &name); err != nil {
			return err
		}
		*v = calc.ScenarioRef{Name: name}
		return nil
	case '{':
		var sc calc.Scenario
		if err := json.UnmarshalDecode(dec, &sc); err != nil {
			return err
		}
		*v = calc.ScenarioRef{Scenario: &sc}
		return nil
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if err := skipRest(dec, tok); err != nil {
		return err
	}
	return &json.SemanticError{JSONKind: tok.Kind(), GoType: reflect.TypeFor[calc.ScenarioRef]()}
}
