package wire

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	gojson "github.com/go-json-experiment/json"
)

// DecodeClaim decodes a claim request as [DecodeRequest] decodes a
// calculation (the reflection decoder, strict, every bad number and date
// listed, 400 problems naming the field).
func DecodeClaim(body []byte, lang string) (*calc.ClaimRequest, error) {
	v := new(calc.ClaimRequest)
	return v, decodeInto(body, lang, v)
}

// DecodeRegister decodes a register request (see [DecodeClaim]).
func DecodeRegister(body []byte, lang string) (*calc.RegisterRequest, error) {
	v := new(calc.RegisterRequest)
	return v, decodeInto(body, lang, v)
}

// decodeInto is DecodeReflect for any request type: the claim, register
// and reconciliation requests.
func decodeInto(body []byte, lang string, v any) error {
	st := decodeStates.Get().(*decodeState)
	st.lang, st.errs = lang, st.errs[:0]
	defer decodeStates.Put(st)
	if len(bytes.TrimSpace(body)) == 0 {
		return Malformed(lang, calc.Text{Ru: "пустое тело запроса: ожидается JSON-объект", En: "empty body: a JSON object is expected"}.In(lang), nil)
	}
	if err := gojson.Unmarshal(body, v, st.opts); err != nil {
		fp, detail := DescribeJSONError(err, lang)
		var fields []FieldProblem
		if fp != nil {
			fields = append(fields, *fp)
		}
		fields = append(fields, st.errs...)
		return Malformed(lang, detail, fields)
	}
	if len(st.errs) > 0 {
		fields := make([]FieldProblem, len(st.errs))
		copy(fields, st.errs)
		return Malformed(lang, calc.Text{Ru: "значения некоторых полей не удалось прочитать", En: "some values could not be read"}.In(lang), fields)
	}
	return nil
}

// BankFileProblem turns an error of report.ReadBankSchedule into the 422
// *Problem the API answers (the file, or each bad cell by its path
// bank_schedule[i].field); other errors come back as they are.
func BankFileProblem(err error, lang string) error {
	var ie *report.InputError
	if errors.As(err, &ie) {
		return BankProblem(lang, []FieldProblem{{Field: "file", Message: ie.In(lang)}})
	}
	var ce *report.BankCellError
	if errors.As(err, &ce) {
		fields := make([]FieldProblem, len(ce.Problems))
		for i, p := range ce.Problems {
			fields[i] = FieldProblem{Field: p.Field, Message: p.Message(lang)}
		}
		return BankProblem(lang, fields)
	}
	return err
}

// BankProblem is the 422 *Problem of a bank schedule that cannot be read,
// listing fields.
func BankProblem(lang string, fields []FieldProblem) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, TypeInvalid, lang,
		calc.Text{Ru: "график банка не прочитан: исправьте перечисленное", En: "the bank's schedule could not be read: correct what is listed"}.In(lang))
	p.Errors = fields
	return p
}

// DecodeReconcileRequest decodes a reconciliation request (API.md
// "Checking a bank's schedule") with the strict rules of [DecodeRequest]:
// unknown members, bad numbers and dates are a 400 *Problem naming the
// field.
func DecodeReconcileRequest(body []byte, lang string) (*calc.ReconcileRequest, error) {
	v := new(calc.ReconcileRequest)
	if err := decodeInto(body, lang, v); err != nil {
		return nil, err
	}
	return v, nil
}
