package handlers

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Request bodies are streamed (fiber.Config.StreamRequestBody): the server
// reads a request's headers and at most 8 KiB of its body before the route
// runs, and every route's own limit applies while the rest is read. Without
// streaming, the server read every body up to the largest limit (the
// upload's 32 MiB) into memory before any route looked at it: GET /healthz
// with a 31 MiB body answered 200, and 50 connections holding such bodies
// took 1.6 GB.
//
//   - Upload routes (POST /api/v1/batches, POST /batch) may send
//     UploadLimit plus room for the form's other fields; the handler reads
//     the multipart stream itself and writes the file to disk as it comes.
//   - A reconciliation's multipart form (POST /api/v1/reconciliations,
//     POST /reconcile) may send the bank's file plus 1 MiB; every other
//     route may send BodyLimit. Such a body is read here, up to the limit,
//     before the route runs.
//
// A Content-Length over the limit is refused before a byte of the body is
// read; a chunked body is cut at the limit. Either way the answer is 413 and the
// connection is closed, since the rest of the body was never read.

// uploadOverhead is the room a multipart upload has beyond the file: the
// boundaries, part headers and the other form fields.
const uploadOverhead = 64 << 10

// errBodyTooLarge is a body found over its route's limit while reading.
var errBodyTooLarge = errors.New("request body over the limit")

// isUploadRoute reports whether method and path are a batch upload.
func isUploadRoute(method, path []byte) bool {
	if string(method) != fiber.MethodPost {
		return false
	}
	switch string(path) {
	case "/api/v1/batches", "/api/v1/batches/", "/batch", "/batch/":
		return true
	}
	return false
}

// bodyLimitFor returns the largest body a request may send: an upload's,
// a reconciliation's multipart form (the bank's file, read in memory by
// its route), or BodyLimit.
func (s *Server) bodyLimitFor(h *fasthttp.RequestHeader, path []byte) int {
	method := h.Method()
	switch {
	case isUploadRoute(method, path):
		return s.cfg.UploadLimit + uploadOverhead
	case string(method) == fiber.MethodPost && len(h.MultipartFormBoundary()) > 0 &&
		(string(path) == "/api/v1/reconciliations" || string(path) == "/reconcile"):
		return max(reconcileBodyLimit, s.cfg.BodyLimit)
	case string(method) == fiber.MethodPost && string(path) == "/api/v1/claims/register":
		return max(s.cfg.UploadLimit, s.cfg.BodyLimit) // many loans' claims (handlers/claims.go)
	}
	return s.cfg.BodyLimit
}

// headerTooLarge marks a request whose declared body is over its route's
// limit (see headerReceived). A client that sends it itself gets 413.
const headerTooLarge = "X-Subsidy-Body-Over-Limit"

// headerReceived runs once a request's headers are read, before any of its
// body: a declared body over the route's limit is not read at all (its
// length is set to 0 and the request marked), so limitBody answers 413 at
// once and closes the connection. Without this, fasthttp would wait for
// the first 8 KiB of the body before the route could refuse it.
func (s *Server) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	uri := h.RequestURI()
	if i := bytes.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	if h.ContentLength() > s.bodyLimitFor(h, uri) {
		h.SetContentLength(0)
		h.Set(headerTooLarge, "1")
	}
	return fasthttp.RequestConfig{}
}

// limitedBody is an upload's body: at most left more bytes, then
// errBodyTooLarge.
type limitedBody struct {
	r    io.Reader
	left int
	eof  bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.eof {
		return 0, io.EOF
	}
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer
		// one.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			return 0, errBodyTooLarge
		}
		if err == io.EOF {
			b.eof = true
		}
		return 0, err
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

// uploadBody returns the body of an upload route as a stream bounded by
// the route's limit.
func uploadBody(c *fiber.Ctx) io.Reader {
	if b, ok := c.Locals(localBody).(*limitedBody); ok {
		return b
	}
	return &limitedBody{r: bytes.NewReader(c.Body()), left: len(c.Body())}
}

// limitBody applies the route's body limit while the body is read (see
// the comment at the top of this file).
func (s *Server) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	method, path := req.Header.Method(), req.URI().Path()
	limit := s.bodyLimitFor(&req.Header, path)
	tooLarge := func() error {
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	}
	cl := req.Header.ContentLength()
	if cl > limit || len(req.Header.Peek(headerTooLarge)) > 0 {
		return tooLarge()
	}
	stream := c.Context().RequestBodyStream()
	if stream == nil || cl == 0 {
		return c.Next()
	}
	if isUploadRoute(method, path) {
		b := &limitedBody{r: stream, left: limit}
		c.Locals(localBody, b)
		err := c.Next()
		if !b.eof {
			// The handler stopped reading (a refusal): what is left of the
			// body is still on the connection.
			c.Context().SetConnectionClose()
		}
		return err
	}
	if cl > 0 {
		// Known and within the limit: fasthttp reads exactly cl bytes.
		_ = req.Body()
		return c.Next()
	}
	// Chunked: read up to the limit, then stop.
	b, err := io.ReadAll(&limitedBody{r: stream, left: limit})
	if errors.Is(err, errBodyTooLarge) {
		return tooLarge()
	}
	if err != nil {
		c.Context().SetConnectionClose()
		lang := Lang(c)
		return NewProblem(http.StatusBadRequest, TypeMalformed, lang,
			calc.Text{Ru: "тело запроса не удалось прочитать", En: "the request body could not be read"}.In(lang))
	}
	req.SetBodyRaw(b)
	return c.Next()
}
