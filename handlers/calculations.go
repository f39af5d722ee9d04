package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/gofiber/fiber/v2"
)

// Response formats of a calculation.
const (
	formatJSON = "json"
	formatCSV  = "csv"
	formatXLSX = "xlsx"
)

// Media types.
const (
	mimeJSON = "application/json"
	mimeCSV  = "text/csv"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// postCalculation is POST /api/v1/calculations (API.md "One calculation").
func (s *Server) postCalculation(c *fiber.Ctx) error {
	lang := Lang(c)
	format, err := s.responseFormat(c, lang)
	if err != nil {
		return err
	}
	if err := s.checkBody(c, lang, isJSONType, mimeJSON); err != nil {
		return err
	}
	req, err := DecodeRequest(c.Body(), lang)
	if err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = lang
	}
	// The result is encoded before this handler returns, so its memory
	// can serve the next calculation.
	into := results.Get().(*calc.Result)
	defer results.Put(into)
	res, err := s.calculate(req, into)
	if err != nil {
		return err
	}
	return s.writeResult(c, format, req, res)
}

// results recycles the memory of results (see calc.Options.Into).
var results = sync.Pool{New: func() any { return new(calc.Result) }}

// calculate runs calc.Calculate with the server's rate book (into nil or
// a result whose memory to reuse) and counts the
// outcome. Its error keeps the request's language, so that the problem
// (written by problemFor, the one place that maps errors to statuses)
// speaks it.
//
// The calculation gets a context that ends after Config.CalcTimeout; calc
// looks at it once per period and gives up with a Canceled error, answered
// 503. It is not cancelled when the client goes away: fasthttp reads
// nothing from the connection while a handler runs, and RequestCtx.Done
// closes only when the server shuts down (docs/performance.md). calc's
// list limits keep every calculation to milliseconds, so the budget is a
// guard against a starved machine rather than against any request.
func (s *Server) calculate(req *calc.Request, into *calc.Result) (*calc.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.CalcTimeout)
	defer cancel()
	res, err := calc.Calculate(req, calc.Options{Rates: s.cfg.Rates, Into: into, Context: ctx})
	if err != nil {
		var ce *calc.Error
		switch {
		case errors.As(err, &ce) && ce.Kind == calc.Invalid:
			s.metrics.calculation("invalid")
		case errors.As(err, &ce) && ce.Kind == calc.Canceled:
			s.metrics.calculation("timeout")
		default:
			s.metrics.calculation("error")
		}
		lang := LangRu
		if req.Lang == LangEn {
			lang = LangEn
		}
		return nil, &langError{err: err, lang: lang}
	}
	s.metrics.calculation("ok")
	return res, nil
}

// langError carries the language its problem must be written in.
type langError struct {
	err  error
	lang string
}

func (e *langError) Error() string { return e.err.Error() }
func (e *langError) Unwrap() error { return e.err }

// responseFormat reads the wanted format: ?format= (json, csv, xlsx) wins;
// else an Accept header that names the xlsx or CSV type; else JSON. An
// unknown ?format= and xlsx without a workbook encoder are 406.
func (s *Server) responseFormat(c *fiber.Ctx, lang string) (string, error) {
	f := strings.ToLower(c.Query("format"))
	if f == "" {
		accept := c.Get(fiber.HeaderAccept)
		switch {
		case strings.Contains(accept, mimeXLSX):
			f = formatXLSX
		case strings.Contains(accept, mimeCSV) && !strings.Contains(accept, mimeJSON):
			f = formatCSV
		default:
			f = formatJSON
		}
	}
	switch f {
	case formatJSON, formatCSV:
		return f, nil
	case formatXLSX:
		if s.cfg.Workbook != nil {
			return f, nil
		}
		return "", NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
			tr(lang, "", "отчёт Excel в этой сборке недоступен; доступны json и csv", "the Excel report is not available in this build; json and csv are"))
	}
	p := NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
		tr(lang, "", "неизвестный формат; допустимые: json, csv, xlsx", "unknown format; allowed: json, csv, xlsx"))
	p.Errors = []FieldProblem{{Field: "format", Message: tr(lang, "", "допустимые значения: json, csv, xlsx", "allowed values: json, csv, xlsx")}}
	return "", p
}

// checkBody enforces the route's body limit and content type: a body over
// Config.BodyLimit is 413, a content type ok refuses is 415 (want names
// the expected type in the message). An absent Content-Type is taken as
// the expected one.
func (s *Server) checkBody(c *fiber.Ctx, lang string, ok func(mediaType string) bool, want string) error {
	if len(c.Body()) > s.cfg.BodyLimit {
		return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			tr(lang, "", "тело запроса больше "+strconv.Itoa(s.cfg.BodyLimit)+" байт", "the body is larger than "+strconv.Itoa(s.cfg.BodyLimit)+" bytes"))
	}
	ct := c.Get(fiber.HeaderContentType)
	if ct == "" || ct == want || ct == want+"; charset=utf-8" {
		return nil // the usual cases, without parsing
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && ok(mt) {
		if cs, has := params["charset"]; !has || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return NewProblem(http.StatusUnsupportedMediaType, TypeBlank, lang,
		tr(lang, "", "тип содержимого "+clip(ct)+" не поддерживается; ожидается "+want+" (UTF-8)",
			"content type "+clip(ct)+" is not supported; send "+want+" (UTF-8)"))
}

func isJSONType(mt string) bool {
	return mt == mimeJSON || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// writeResult encodes a result in format.
func (s *Server) writeResult(c *fiber.Ctx, format string, req *calc.Request, res *calc.Result) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	switch format {
	case formatCSV:
		var b bytes.Buffer
		if err := WriteScheduleCSV(&b, res); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeCSV+"; charset=utf-8; header=present")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy-schedule.csv"`)
		return c.Send(b.Bytes())
	case formatXLSX:
		var b bytes.Buffer
		if err := s.cfg.Workbook(&b, req, res, req.Lang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy.xlsx"`)
		return c.Send(b.Bytes())
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// Encode into a pooled buffer and hand it to fasthttp without a copy;
	// the buffer goes back to the pool once the answer is on the wire
	// (see pooledBody).
	bp := encodeBuffers.Get().(*[]byte)
	*bp = AppendResult((*bp)[:0], res)
	c.Response().SetBodyRaw(*bp)
	c.Locals(localPooledBody, &pooledBody{buf: bp})
	return nil
}

// pooledBody returns an encoding buffer to encodeBuffers when fasthttp
// resets the request's user values, which it does after writing the
// response (values that are io.Closers are closed then). If the
// connection fails first the buffer is simply left to the collector.
type pooledBody struct{ buf *[]byte }

func (p *pooledBody) Close() error {
	if p.buf != nil && cap(*p.buf) <= maxPooledBuffer {
		encodeBuffers.Put(p.buf)
	}
	p.buf = nil
	return nil
}

// encodeBuffers recycles JSON encoding buffers; buffers grown past
// maxPooledBuffer (very long schedules) are left to the collector.
var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

const maxPooledBuffer = 1 << 20

// scheduleColumns are the CSV columns: the JSON names of calc.Period.
var scheduleColumns = []string{
	"n", "start", "end", "days", "opening_balance", "drawdown", "interest", "principal", "payment",
	"closing_balance", "contract_rate", "base_rate", "subsidy_rate", "subsidy", "subsidy_paid",
	"borrower_interest", "borrower_payment", "currency",
}

// WriteScheduleCSV writes the schedule of res as CSV (RFC 4180, comma,
// header row of the JSON field names, amounts as plain decimals with a
// point, dates ISO). Text cells pass through [CSVCell].
func WriteScheduleCSV(w io.Writer, res *calc.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(scheduleColumns); err != nil {
		return err
	}
	row := make([]string, len(scheduleColumns))
	for _, p := range res.Schedule {
		row = row[:0]
		row = append(row,
			strconv.Itoa(p.N), p.Start.String(), p.End.String(), strconv.Itoa(p.Days),
			p.OpeningBalance.String(), p.Drawdown.String(), p.Interest.String(), p.Principal.String(), p.Payment.String(),
			p.ClosingBalance.String(), p.ContractRate.String(), p.BaseRate.String(), p.SubsidyRate.String(),
			p.Subsidy.String(), p.SubsidyPaid.String(), p.BorrowerInterest.String(), p.BorrowerPayment.String(),
			CSVCell(res.Currency))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVCell defuses a text cell for spreadsheets: a value starting with
// = + - @, a tab or a carriage return would be read as a formula
// (CSV injection), so it gets a leading apostrophe. Plain numbers ("-5.00")
// pass unchanged.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if _, err := ParseDecimal(s); err == nil {
			return s
		}
		return "'" + s
	}
	return s
}
