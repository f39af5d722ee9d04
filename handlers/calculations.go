package handlers

import (
	"bytes"
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
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
	req, err := wire.DecodeRequest(c.Body(), lang)
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
			calc.Text{Ru: "отчёт Excel в этой сборке недоступен; доступны json и csv", En: "the Excel report is not available in this build; json and csv are"}.In(lang))
	}
	p := NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
		calc.Text{Ru: "неизвестный формат; допустимые: json, csv, xlsx", En: "unknown format; allowed: json, csv, xlsx"}.In(lang))
	p.Errors = []FieldProblem{{Field: "format", Message: calc.Text{Ru: "допустимые значения: json, csv, xlsx", En: "allowed values: json, csv, xlsx"}.In(lang)}}
	return "", p
}

// checkBody enforces the route's body limit and content type: a body over
// Config.BodyLimit is 413, a content type ok refuses is 415 (want names
// the expected type in the message). An absent Content-Type is taken as
// the expected one.
func (s *Server) checkBody(c *fiber.Ctx, lang string, ok func(mediaType string) bool, want string) error {
	if len(c.Body()) > s.cfg.BodyLimit {
		return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			calc.Text{Ru: "тело запроса больше " + strconv.Itoa(s.cfg.BodyLimit) + " байт", En: "the body is larger than " + strconv.Itoa(s.cfg.BodyLimit) + " bytes"}.In(lang))
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
		calc.Text{Ru: "тип содержимого " + wire.Clip(ct) + " не поддерживается; ожидается " + want + " (UTF-8)", En: "content type " + wire.Clip(ct) + " is not supported; send " + want + " (UTF-8)"}.In(lang))
}

func isJSONType(mt string) bool {
	return mt == mimeJSON || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// writeResult encodes a result in format.
func (s *Server) writeResult(c *fiber.Ctx, format string, req *calc.Request, res *calc.Result) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	switch format {
	case formatCSV:
		raw, err := rawCSV(c, req.Lang)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if raw {
			err = report.WriteScheduleCSVRaw(&b, res)
		} else {
			err = report.WriteScheduleCSV(&b, res, req.Lang)
		}
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeCSV+"; charset=utf-8; header=present")
		c.Set(fiber.HeaderContentDisposition, contentDisposition(req, "csv"))
		return c.Send(b.Bytes())
	case formatXLSX:
		var b bytes.Buffer
		if err := s.cfg.Workbook(&b, req, res, req.Lang); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, contentDisposition(req, "xlsx"))
		return c.Send(b.Bytes())
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// Encode into a pooled buffer and hand it to fasthttp without a copy;
	// the buffer goes back to the pool once the answer is on the wire
	// (see pooledBody).
	bp := encodeBuffers.Get().(*[]byte)
	*bp = wire.AppendResult((*bp)[:0], res)
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

// csvRaw is the value of ?csv= that asks for the machine CSV (JSON keys as
// headers, "," and a decimal point, no byte order mark) instead of the
// spreadsheet CSV of the request's language.
const csvRaw = "raw"

// rawCSV reads ?csv=: empty for the spreadsheet CSV, "raw" for the machine
// one; anything else is 406 naming the parameter.
func rawCSV(c *fiber.Ctx, lang string) (bool, error) {
	switch v := strings.ToLower(c.Query("csv")); v {
	case "":
		return false, nil
	case csvRaw:
		return true, nil
	}
	p := NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
		calc.Text{Ru: "неизвестный вид CSV; допустимо: csv=raw", En: "unknown CSV kind; allowed: csv=raw"}.In(lang))
	p.Errors = []FieldProblem{{Field: "csv", Message: calc.Text{Ru: "допустимое значение: raw (или не указывать)", En: "allowed value: raw (or leave it out)"}.In(lang)}}
	return false, p
}

// contentDisposition names a download after what it holds:
// subsidy-<project>-<issue date>.<ext>, the project name as a slug
// ("subsidy-электробусы-2025-03-14.xlsx"). The filename parameter has an
// ASCII transliteration for old clients ("subsidy-elektrobusy-2025-03-14.xlsx"),
// filename* the UTF-8 name (RFC 6266, RFC 5987).
func contentDisposition(req *calc.Request, ext string) string {
	date := req.Loan.IssueDate.String()
	name := func(slug string) string {
		if slug == "" {
			return "subsidy-" + date + "." + ext
		}
		return "subsidy-" + slug + "-" + date + "." + ext
	}
	ascii := name(slugify(req.Project.Name, true))
	utf := name(slugify(req.Project.Name, false))
	h := `attachment; filename="` + ascii + `"`
	if utf != ascii {
		h += "; filename*=UTF-8''" + url.PathEscape(utf)
	}
	return h
}

// maxSlug bounds the project part of a download name, in runes.
const maxSlug = 48

// slugify turns a project name into a file name part: lower-case letters
// and digits, every other run of characters one hyphen, at most maxSlug
// runes. With ascii, Cyrillic letters are transliterated and other
// letters dropped.
func slugify(s string, ascii bool) string {
	var b strings.Builder
	n, dash := 0, false
	put := func(part string) {
		for _, r := range part {
			if n >= maxSlug {
				return
			}
			if dash && n > 0 {
				b.WriteByte('-')
				n++
			}
			dash = false
			b.WriteRune(r)
			n++
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			put(string(r))
		case ascii && translit[r] != "":
			put(translit[r])
		case !ascii && unicode.IsLetter(r) || !ascii && unicode.IsDigit(r):
			put(string(r))
		case ascii && (r == 'ъ' || r == 'ь'):
		default:
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// translit spells the Cyrillic letters of the member states' languages in
// Latin (Russian as in passports, ICAO Doc 9303; Belarusian and Kazakh
// letters by their nearest sound).
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ы': "y", 'э': "e", 'ю': "iu", 'я': "ia",
	'і': "i", 'ў': "u", 'ә': "a", 'ғ': "g", 'қ': "q", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h",
}
