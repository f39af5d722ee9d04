package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/gofiber/fiber/v2"
)

// Problem types (the "type" member of a [Problem]). They are URNs: stable
// identifiers a client can switch on, not addresses to fetch. Errors that
// need no more than their HTTP status use "about:blank" (RFC 9457 §4.2.1).
const (
	// TypeMalformed: the body could not be decoded (bad JSON, a value of
	// the wrong type, an unknown field, a malformed number or date): 400.
	TypeMalformed = "urn:subsidy:problem:malformed-request"
	// TypeInvalid: the request decoded but breaks a domain rule: 422.
	TypeInvalid = "urn:subsidy:problem:invalid-request"
	// TypeUnsupportedFormat: the requested response format is not
	// available (?format= or Accept): 406.
	TypeUnsupportedFormat = "urn:subsidy:problem:unsupported-format"
	// TypeOverloaded: too many calculations in flight, or one ran past
	// its time budget: 503 with Retry-After.
	TypeOverloaded = "urn:subsidy:problem:overloaded"
	// TypeBlank is RFC 9457's default: the status says it all.
	TypeBlank = "about:blank"
)

// ContentTypeProblem is the media type of every error answer.
const ContentTypeProblem = "application/problem+json"

// Problem is an RFC 9457 problem detail, the body of every error answer
// (API.md "Errors"). It is also an error: a handler may return it and the
// server writes it as is.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Instance is the request path the problem occurred on.
	Instance string `json:"instance,omitempty"`
	// Errors lists every invalid field, by JSON path ("loan.rate",
	// "project.participants[2].share"), with a message in the request's
	// language.
	Errors []FieldProblem `json:"errors,omitempty"`
	// RequestID repeats the X-Request-Id of the answer, for support.
	RequestID string `json:"request_id,omitempty"`
}

// FieldProblem is one invalid field of a request.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error implements error.
func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s", p.Status, p.Title)
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	for _, f := range p.Errors {
		s += "; " + f.Field + ": " + f.Message
	}
	return s
}

// NewProblem returns a problem of type typ with the standard title of
// status in lang and the given detail.
func NewProblem(status int, typ, lang, detail string) *Problem {
	return &Problem{Type: typ, Title: statusTitle(status, lang), Status: status, Detail: detail}
}

// statusTitle is the title of a status in lang: Russian titles for ru,
// the standard reason phrase otherwise.
func statusTitle(status int, lang string) string {
	if lang != "en" {
		if t, ok := ruStatusTitles[status]; ok {
			return t
		}
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

var ruStatusTitles = map[int]string{
	400: "Некорректный запрос",
	404: "Не найдено",
	405: "Метод не поддерживается",
	406: "Формат ответа недоступен",
	408: "Истекло время ожидания запроса",
	413: "Слишком большой запрос",
	415: "Неподдерживаемый тип содержимого",
	422: "Недопустимые данные",
	429: "Слишком много запросов",
	431: "Слишком большие заголовки",
	500: "Внутренняя ошибка",
	503: "Сервис временно недоступен",
}

// WriteProblem writes p as application/problem+json with its status,
// filling in the request id and the instance path when they are empty.
func WriteProblem(c *fiber.Ctx, p *Problem) error {
	if p.RequestID == "" {
		p.RequestID = RequestID(c)
	}
	if p.Instance == "" {
		p.Instance = c.Path()
	}
	if p.Type == "" {
		p.Type = TypeBlank
	}
	body, err := json.Marshal(p)
	if err != nil { // a Problem holds strings and ints only
		return err
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, ContentTypeProblem)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// problemFor turns any error a handler returned into the problem to answer
// and reports whether it is a server fault (to be logged as an error). It
// is the one place where errors become HTTP statuses:
//   - *Problem: as is;
//   - *calc.Error: Invalid → 422 with every field,
//     Canceled (the time budget passed) → 503, anything else → 500; in the language of the calculation when the
//     error came from Server.calculate (the request's "lang");
//   - *fiber.Error: its status (404 unknown route, 405, 413 body too large,
//     431, 408 …), a 5xx one without its text;
//   - anything else: 500, text withheld.
func problemFor(err error, lang string) (*Problem, bool) {
	var le *langError
	if errors.As(err, &le) {
		lang = le.lang
	}
	var p *Problem
	if errors.As(err, &p) {
		return p, p.Status >= 500
	}
	var ce *calc.Error
	if errors.As(err, &ce) {
		switch ce.Kind {
		case calc.Invalid:
			return invalidProblem(ce, lang), false
		case calc.Canceled:
			return NewProblem(http.StatusServiceUnavailable, TypeOverloaded, lang,
				calc.Text{Ru: "расчёт не уложился в отведённое время; повторите через секунду", En: "the calculation did not finish within its time budget; retry in a second"}.In(lang)), true
		}
		return internalProblem(lang), true
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if fe.Code >= 500 {
			return NewProblem(fe.Code, TypeBlank, lang, ""), true
		}
		return NewProblem(fe.Code, TypeBlank, lang, fiberDetail(fe, lang)), false
	}
	return internalProblem(lang), true
}

// fiberDetail explains the framework's own errors in lang.
func fiberDetail(fe *fiber.Error, lang string) string {
	switch fe.Code {
	case http.StatusNotFound:
		return calc.Text{Ru: "нет такого адреса", En: "no such resource"}.In(lang)
	case http.StatusMethodNotAllowed:
		return calc.Text{Ru: "метод не поддерживается этим адресом (см. заголовок Allow)", En: "the resource does not support this method (see the Allow header)"}.In(lang)
	case http.StatusRequestEntityTooLarge:
		return calc.Text{Ru: "тело запроса превышает допустимый размер", En: "the request body exceeds the size limit"}.In(lang)
	}
	return fe.Message
}

func internalProblem(lang string) *Problem {
	return NewProblem(http.StatusInternalServerError, TypeBlank, lang,
		calc.Text{Ru: "внутренняя ошибка сервиса; сообщите номер запроса", En: "internal error; please report the request id"}.In(lang))
}

// invalidProblem is the 422 answer for a request calc refused.
func invalidProblem(ce *calc.Error, lang string) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, TypeInvalid, lang,
		calc.Text{Ru: "запрос не прошёл проверку: исправьте перечисленные поля", En: "the request failed validation: correct the fields listed"}.In(lang))
	for _, f := range ce.Fields {
		p.Errors = append(p.Errors, FieldProblem{Field: f.Field, Message: f.In(lang)})
	}
	if len(p.Errors) == 0 && ce.Detail != "" {
		p.Detail = ce.Detail
	}
	return p
}
