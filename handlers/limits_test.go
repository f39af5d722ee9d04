package handlers_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
)

// rawRequest sends head (and body, if any) on a new connection to base and
// returns the answer.
func rawRequest(t *testing.T, base, head string, body []byte) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		io.WriteString(conn, head)
		conn.Write(body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// chunked encodes b as one chunk and the last chunk.
func chunked(b []byte) []byte {
	return append(fmt.Appendf(nil, "%x\r\n", len(b)), append(b, "\r\n0\r\n\r\n"...)...)
}

// TestBodyLimitPerRoute: each route's own limit applies while the body is
// read, not the upload's: a 31 MiB body to /healthz is refused on its
// Content-Length before any of it is sent, a chunked body is cut at the
// route's limit, and a body within it is served.
func TestBodyLimitPerRoute(t *testing.T) {
	s := newServer(t, handlers.Config{})
	base := listen(t, s)
	waitUp(t, base)
	cases := []struct {
		name   string
		head   string
		body   []byte
		status int
	}{
		{"HealthzDeclared31MiB", fmt.Sprintf("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", 31<<20), nil, 413},
		{"CalculationDeclared2MiB", fmt.Sprintf("POST /api/v1/calculations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 2<<20), nil, 413},
		{"CalculationChunked2MiB", "POST /api/v1/calculations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
			chunked(bytes.Repeat([]byte(" "), 2<<20)), 413},
		{"CalculationChunkedSmall", "POST /api/v1/calculations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
			chunked([]byte(eaeuLoan)), 200},
		{"UploadDeclaredOverLimit", fmt.Sprintf("POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", 40<<20), nil, 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := rawRequest(t, base, tc.head, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == 413 && (resp.Header.Get("Content-Type") != handlers.ContentTypeProblem || !resp.Close) {
				t.Errorf("413 with Content-Type %q, close %v: want a problem and the connection closed",
					resp.Header.Get("Content-Type"), resp.Close)
			}
		})
	}
}

// TestUploadStreamsToDisk: slow uploads in flight hold their bytes on
// disk, not in memory: 20 connections that have each sent 3 MiB of a file
// leave the live heap within a few MiB, and their files grow in the data
// directory's tmp folder. Then a chunked upload over the limit is 413.
func TestUploadStreamsToDisk(t *testing.T) {
	dir := t.TempDir()
	s := batchServerAt(t, handlers.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, batch.Options{Dir: filepath.Join(dir, "batches")})
	base := listen(t, s)
	waitUp(t, base)
	const conns, sent = 20, 3 << 20
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	head := "POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n", 30<<20) +
		"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"loans.csv\"\r\n\r\n"
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	var open []net.Conn
	for range conns {
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
		io.WriteString(c, head)
		for n := 0; n < sent; n += len(chunk) {
			if _, err := c.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer func() {
		for _, c := range open {
			c.Close()
		}
	}()
	// Wait until the server has written what was sent.
	var onDisk int64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		onDisk = 0
		ents, _ := os.ReadDir(filepath.Join(dir, "batches", "tmp"))
		for _, e := range ents {
			if fi, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "upload-") {
				onDisk += fi.Size()
			}
		}
		if onDisk >= conns*sent*9/10 {
			break
		}
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d connections × %d MiB sent: %d MiB on disk, live heap grew %.1f MiB", conns, sent>>20, onDisk>>20, float64(grew)/(1<<20))
	if onDisk < conns*sent*9/10 {
		t.Errorf("only %d MiB of %d MiB sent reached the disk", onDisk>>20, conns*sent>>20)
	}
	if grew > 16<<20 {
		t.Errorf("live heap grew by %d MiB holding %d MiB of uploads: bodies are kept in memory", grew>>20, conns*sent>>20)
	}

	// Chunked (no Content-Length): cut at the upload limit.
	small := batchServerAt(t, handlers.Config{UploadLimit: 1 << 20, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, batch.Options{})
	sbase := listen(t, small)
	waitUp(t, sbase)
	body := append([]byte("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"), bytes.Repeat([]byte("y"), 2<<20)...)
	resp := rawRequest(t, sbase, "POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nTransfer-Encoding: chunked\r\n\r\n", chunked(body))
	if resp.StatusCode != 413 {
		t.Errorf("chunked 2 MiB upload, limit 1 MiB: %d", resp.StatusCode)
	}
}

// TestBatchUnavailableSaysWhy (issue 9): a second server on a data
// directory another one holds is not ready, and its batch routes answer
// 503 saying the directory is in use.
func TestBatchUnavailableSaysWhy(t *testing.T) {
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	first := batchServerAt(t, handlers.Config{Logger: quiet}, batch.Options{Dir: filepath.Join(dir, "batches")})
	if a := do(t, first, http.MethodGet, "/readyz", ""); a.Status != 200 {
		t.Fatalf("first server: /readyz %d %s", a.Status, a)
	}
	second := batchServerAt(t, handlers.Config{Logger: quiet}, batch.Options{Dir: filepath.Join(dir, "batches")})
	a := do(t, second, http.MethodGet, "/readyz?lang=en", "")
	if a.Status != 503 || !hasField(problem(t, a), "batches") || !strings.Contains(a.String(), "in use by another process") {
		t.Errorf("second server: /readyz %d %s", a.Status, a)
	}
	ct, body := multipartBody(t, "x.csv", batchCSV(1))
	a = doRaw(t, second, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != 503 || !strings.Contains(problem(t, a).Detail, "in use by another process") {
		t.Errorf("upload to the second server: %d %s", a.Status, a)
	}
}

// fullDisk has no free space.
type fullDisk struct {
	batch.OSDisk
	free atomic.Uint64
}

func (d *fullDisk) Free(string) (uint64, error) { return d.free.Load(), nil }

// TestBatchDiskFull: with the data directory's disk full an upload is 507
// with a reason and /readyz is 503 naming the disk; with space again both
// work.
func TestBatchDiskFull(t *testing.T) {
	d := &fullDisk{}
	s := batchServer(t, batch.Options{Disk: d})
	ct, body := multipartBody(t, "x.csv", batchCSV(2))
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != 507 || !strings.Contains(problem(t, a).Detail, "disk") {
		t.Errorf("upload on a full disk: %d %s", a.Status, a)
	}
	a = do(t, s, http.MethodGet, "/readyz?lang=en", "")
	if a.Status != 503 || !strings.Contains(a.String(), "disk is full") {
		t.Errorf("/readyz on a full disk: %d %s", a.Status, a)
	}
	d.free.Store(1 << 40)
	if a := do(t, s, http.MethodGet, "/readyz", ""); a.Status != 200 {
		t.Errorf("/readyz with space: %d %s", a.Status, a)
	}
	if a := doRaw(t, s, http.MethodPost, "/api/v1/batches", ct, body); a.Status != 202 {
		t.Errorf("upload with space: %d %s", a.Status, a)
	}
}

// TestBatchBombRefused: a workbook bomb uploaded through the API is a 422
// naming the part, in the request's language.
func TestBatchBombRefused(t *testing.T) {
	s := batchServer(t, batch.Options{})
	good := batchWorkbook(t, batchLoans(1), nil)
	// Append a part declaring 500 MiB: refused on its declared size.
	var parts bytes.Buffer
	if err := addStoredPart(&parts, good, "xl/media/image1.bin", 500<<20); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ru"} {
		ct, body := multipartBody(t, "bomb.xlsx", parts.Bytes())
		a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang="+lang, ct, body)
		want := map[string]string{"en": "workbook part xl/media/image1.bin", "ru": "часть книги xl/media/image1.bin"}[lang]
		if a.Status != 422 || !strings.Contains(problem(t, a).Detail, want) {
			t.Errorf("%s: %d %s", lang, a.Status, a)
		}
	}
}

// addStoredPart writes to w the workbook xlsx with one more part, name,
// that declares size bytes (its data is a few bytes: the declaration alone
// must get it refused).
func addStoredPart(w io.Writer, xlsx []byte, name string, size uint64) error {
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	pw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: 2, UncompressedSize64: size})
	if err != nil {
		return err
	}
	pw.Write([]byte{3, 0})
	return zw.Close()
}

// TestBatchRowLimitAndCut: a file over the row limit is refused at upload
// (422 naming the file and the count), not accepted and failed later; a
// job with more than 100 row problems says how many it left out.
func TestBatchRowLimitAndCut(t *testing.T) {
	s := batchServer(t, batch.Options{Read: report.ReadOptions{MaxRows: 150}})
	ct, body := multipartBody(t, "big.csv", batchCSV(151))
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != 422 || !hasField(problem(t, a), "file") || !strings.Contains(a.String(), "151 loans, more than the 150 allowed") {
		t.Fatalf("151 rows, limit 150: %d %s", a.Status, a)
	}
	var b strings.Builder
	b.WriteString("id;programme;amount;currency;rate;issue_date;term_months\n")
	for i := range 130 {
		fmt.Fprintf(&b, "B%d;custom;abc;RUB;20;2025-03-14;12\n", i)
	}
	ct, body = multipartBody(t, "bad.csv", []byte(b.String()))
	a = doRaw(t, s, http.MethodPost, "/api/v1/batches?wait=true&lang=en", ct, body)
	var j struct {
		Errors        []json.RawMessage `json:"errors"`
		ErrorsOmitted int               `json:"errors_omitted"`
	}
	if err := json.Unmarshal(a.Body, &j); err != nil || a.Status != 200 || len(j.Errors) != 100 || j.ErrorsOmitted != 30 {
		t.Fatalf("130 bad rows: %d, %d errors, %d omitted (%v)", a.Status, len(j.Errors), j.ErrorsOmitted, err)
	}
}

// TestUploadKeepsConnection: a good upload is read to its end, so the
// connection carries the next request.
func TestUploadKeepsConnection(t *testing.T) {
	s := batchServerAt(t, handlers.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, batch.Options{})
	base := listen(t, s)
	waitUp(t, base)
	ct, body := multipartBody(t, "x.csv", batchCSV(2))
	// An epilogue after the last boundary (RFC 2046 allows one) that the
	// multipart reader itself never reads to its end.
	body = append(body, bytes.Repeat([]byte("epilogue "), 4<<10)...)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	reused := 0
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/batches", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) {
				if i.Reused {
					reused++
				}
			}}))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
	}
	if reused != 1 {
		t.Errorf("the second upload reused %d connections, want 1", reused)
	}
}

// TestReconcileBodyLimit: a reconciliation's multipart form may carry a
// bank file above BodyLimit (its route reads it, up to the bank file limit
// plus 1 MiB); its JSON body may not.
func TestReconcileBodyLimit(t *testing.T) {
	s := newServer(t, handlers.Config{})
	pad := bytes.Repeat([]byte(" "), 3<<20)
	ct, body := multipartBody(t, "bank.csv", pad, "request", "{}")
	if a := doRaw(t, s, http.MethodPost, "/api/v1/reconciliations", ct, body); a.Status == 413 {
		t.Errorf("3 MiB multipart reconciliation: 413 %s", a)
	}
	if a := doRaw(t, s, http.MethodPost, "/api/v1/reconciliations", "application/json", pad); a.Status != 413 {
		t.Errorf("3 MiB JSON reconciliation: %d, want 413", a.Status)
	}
	ct, body = multipartBody(t, "bank.csv", bytes.Repeat([]byte(" "), 10<<20), "request", "{}")
	if a := doRaw(t, s, http.MethodPost, "/api/v1/reconciliations", ct, body); a.Status != 413 {
		t.Errorf("10 MiB multipart reconciliation: %d, want 413", a.Status)
	}
}

// TestNewHasNoSideEffects (issue 9 §3): New touches no disk and starts no
// goroutine; without Config.Batches the batch routes answer 503 and
// /readyz is not ready, both saying why.
func TestNewHasNoSideEffects(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv("TMPDIR", home)
	before := goroutines()
	s, err := handlers.New(handlers.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	// Goroutines that earlier tests left behind (a batch job's poller, a
	// database pool) may start others meanwhile: only a new goroutine
	// created by this package or the web framework is New's.
	for id, creator := range goroutines() {
		if _, old := before[id]; !old && (strings.Contains(creator, "subsidy/handlers.") ||
			strings.Contains(creator, "gofiber/") || strings.Contains(creator, "valyala/fasthttp")) {
			t.Errorf("New started goroutine %s, %s", id, creator)
		}
	}
	if ents, _ := os.ReadDir(home); len(ents) > 0 {
		t.Errorf("New wrote to the disk: %v", ents)
	}
	a := do(t, s, http.MethodGet, "/readyz?lang=en", "")
	if a.Status != 503 || !hasField(problem(t, a), "batches") || !strings.Contains(a.String(), "without a batch job manager") {
		t.Errorf("/readyz %d %s", a.Status, a)
	}
	ct, body := multipartBody(t, "x.csv", batchCSV(1))
	a = doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != 503 || !strings.Contains(problem(t, a).Detail, "without a batch job manager") {
		t.Errorf("upload: %d %s", a.Status, a)
	}
	if a := postJSON(t, s, "{}"); a.Status != 422 {
		t.Errorf("calculation: %d %s", a.Status, a)
	}
}

// goroutines returns the running goroutines' ids and the function that
// created each ("created by …" of runtime.Stack).
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, "\n")
		id := strings.Fields(head + " ? ?")[1] // "goroutine 17 [running]:"
		creator := ""
		if _, after, ok := strings.Cut(g, "created by "); ok {
			creator, _, _ = strings.Cut(after, "\n")
		}
		out[id] = creator
	}
	return out
}
