package wire

import (
	"fmt"
	"net/http"
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
