package handlers

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/gofiber/fiber/v2"
)

// The problem detail of every error answer lives in package wire, shared
// with the command line; these names keep the handlers' code short.
type (
	Problem      = wire.Problem
	FieldProblem = wire.FieldProblem
)

// Problem types, see package wire.
const (
	TypeMalformed         = wire.TypeMalformed
	TypeInvalid           = wire.TypeInvalid
	TypeUnsupportedFormat = wire.TypeUnsupportedFormat
	TypeOverloaded        = wire.TypeOverloaded
	TypeBlank             = wire.TypeBlank
	ContentTypeProblem    = wire.ContentTypeProblem
)

// NewProblem is [wire.NewProblem].
func NewProblem(status int, typ, lang, detail string) *Problem {
	return wire.NewProblem(status, typ, lang, detail)
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
