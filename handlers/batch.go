package handlers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/gofiber/fiber/v2"
)

// batchHandlers serve the batch routes over one job manager.
type batchHandlers struct {
	s   *Server
	m   *batch.Manager // Config.Batches; nil when the caller has none
	err error          // why m is nil (Config.BatchesErr)
}

// batchRoutes registers the batch routes of API.md ("Batch runs") on api
// (/api/v1) and the batch pages on pages (/): GET /batch (upload form),
// POST /batch (the form's upload), GET /batch/{id} (progress and result).
//
// The job manager is Config.Batches, opened by the caller (cmd/subsidy
// serve) and closed by Server.Shutdown (a running job stops and goes back
// to the queue, for another replica or the next start). Without one the
// batch routes answer 503 and /readyz says why (Config.BatchesErr).
func (s *Server) batchRoutes(api fiber.Router, pages fiber.Router) {
	h := &batchHandlers{s: s, m: s.cfg.Batches, err: s.cfg.BatchesErr}
	if h.m == nil {
		// The calculator still works: batch routes answer 503 with the
		// reason (typically another process holds the data directory).
		err := h.err
		if err != nil {
			s.log.Error("batch runs unavailable", slog.String("error", err.Error()))
		}
		s.addReadyCheck("batches", func(ctx context.Context) error {
			return errors.New(unavailableReason(err, langOf(ctx)))
		})
	} else {
		s.onShutdown(h.m.Close)
		m := h.m
		s.addReadyCheck("batches", func(ctx context.Context) error {
			err := m.Ready()
			switch {
			case err == nil:
				return nil
			case errors.Is(err, batch.ErrDiskFull):
				s.log.Error("not ready: batch data directory", slog.String("error", err.Error()))
				return errors.New(calc.Text{Ru: "на диске каталога данных недостаточно места", En: "the data directory's disk is full"}.In(langOf(ctx)) + ": " + err.Error())
			}
			s.log.Error("not ready: batch data directory", slog.String("error", err.Error()))
			return errors.New(calc.Text{Ru: "каталог данных недоступен для записи", En: "the data directory cannot be written"}.In(langOf(ctx)))
		})
	}

	api.Get("/batches/template.xlsx", h.template)
	api.Post("/batches", h.create)
	api.Get("/batches/:id", h.status)
	api.Get("/batches/:id/events", h.events)
	api.Get("/batches/:id/report.xlsx", h.report)
	api.Delete("/batches/:id", h.cancel)
	pages.Get("/batch", h.page)
	pages.Post("/batch", h.pageUpload)
	pages.Get("/batch/:id", h.pageStatus)
	pages.Post("/batch/:id/cancel", h.pageCancel)
}

// manager returns the job manager or the 503 problem that explains its
// absence.
func (h *batchHandlers) manager(lang string) (*batch.Manager, error) {
	if h.m == nil {
		return nil, NewProblem(http.StatusServiceUnavailable, TypeBlank, lang, unavailableReason(h.err, lang))
	}
	return h.m, nil
}

// unavailableReason says why batch runs cannot work, for the 503 of the
// batch routes and for /readyz.
func unavailableReason(err error, lang string) string {
	if err == nil {
		return calc.Text{Ru: "пакетные расчёты недоступны: сервис запущен без менеджера пакетных заданий", En: "batch runs are unavailable: the service was started without a batch job manager"}.In(lang)
	}
	if errors.Is(err, batch.ErrLocked) {
		return calc.Text{Ru: "пакетные расчёты недоступны: каталог данных занят другим процессом сервиса", En: "batch runs are unavailable: the data directory is in use by another process of the service"}.In(lang)
	}
	return calc.Text{Ru: "пакетные расчёты недоступны: каталог данных не удалось открыть (подробности в журнале сервера)", En: "batch runs are unavailable: the data directory could not be opened (see the server log)"}.In(lang)
}

// template is GET /api/v1/batches/template.xlsx.
func (h *batchHandlers) template(c *fiber.Ctx) error {
	lang := Lang(c)
	var b bytes.Buffer
	if err := report.WriteTemplate(&b, lang); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy-batch-template-`+lang+`.xlsx"`)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(b.Bytes())
}

// jobError turns the manager's errors into problems.
func jobError(err error, lang string) error {
	var ie *report.InputError
	switch {
	case errors.Is(err, batch.ErrNotFound):
		return NewProblem(http.StatusNotFound, TypeBlank, lang,
			calc.Text{Ru: "нет такого пакетного задания (или срок его хранения истёк)", En: "no such batch job (or it has expired)"}.In(lang))
	case errors.Is(err, batch.ErrChecksBusy):
		return &retryProblem{NewProblem(http.StatusServiceUnavailable, TypeOverloaded, lang,
			calc.Text{Ru: "сейчас проверяется слишком много загруженных файлов; повторите через несколько секунд", En: "too many uploaded files are being checked right now; retry in a few seconds"}.In(lang))}
	case errors.Is(err, batch.ErrBusy):
		return &retryProblem{NewProblem(http.StatusServiceUnavailable, TypeOverloaded, lang,
			calc.Text{Ru: "слишком много заданий в очереди; повторите позже", En: "too many jobs are waiting; retry later"}.In(lang))}
	case errors.Is(err, batch.ErrFinished):
		return NewProblem(http.StatusConflict, TypeBlank, lang,
			calc.Text{Ru: "задание уже завершено: отменять нечего", En: "the job has already finished: there is nothing to cancel"}.In(lang))
	case errors.Is(err, batch.ErrClosed):
		return &retryProblem{NewProblem(http.StatusServiceUnavailable, TypeOverloaded, lang,
			calc.Text{Ru: "сервис останавливается; повторите позже", En: "the service is shutting down; retry later"}.In(lang))}
	case errors.Is(err, batch.ErrDiskFull):
		return NewProblem(http.StatusInsufficientStorage, TypeBlank, lang,
			calc.Text{Ru: "на диске сервера недостаточно места для загрузки; повторите позже", En: "the server's disk has too little free space for the upload; retry later"}.In(lang))
	case errors.Is(err, errBodyTooLarge), errors.Is(err, batch.ErrTooLarge):
		return NewProblem(http.StatusRequestEntityTooLarge, TypeBlank, lang,
			calc.Text{Ru: "файл больше допустимого размера", En: "the file exceeds the size limit"}.In(lang))
	case errors.As(err, &ie):
		p := NewProblem(http.StatusUnprocessableEntity, TypeInvalid, lang, ie.In(lang))
		p.Errors = []FieldProblem{{Field: "file", Message: ie.In(lang)}}
		return p
	}
	return err
}

// retryProblem is a 503 that tells the client when to retry.
type retryProblem struct{ *Problem }

func (h *batchHandlers) fail(c *fiber.Ctx, err error, lang string) error {
	err = jobError(err, lang)
	var rp *retryProblem
	if errors.As(err, &rp) {
		c.Set(fiber.HeaderRetryAfter, "5")
		return rp.Problem
	}
	return err
}

// upload reads the multipart form of POST /api/v1/batches and POST /batch
// as it arrives: the file part is written straight to the manager's
// temporary directory (never held in memory), the other fields (at most
// 4 KiB each) are kept. Its problems are 400 (no file, a broken form), 413
// (over the upload limit), 415 (not multipart), 507 (disk full).
func (h *batchHandlers) upload(c *fiber.Ctx, m *batch.Manager, lang string) (*batch.Upload, batch.Params, error) {
	p := batch.Params{Lang: lang, Schedules: isTrue(c.Query("schedules"))}
	ct := string(c.Request().Header.ContentType())
	boundary := string(c.Request().Header.MultipartFormBoundary())
	if !strings.HasPrefix(strings.ToLower(ct), fiber.MIMEMultipartForm) || boundary == "" {
		return nil, p, NewProblem(http.StatusUnsupportedMediaType, TypeMalformed, lang,
			calc.Text{Ru: "отправьте файл как multipart/form-data в поле file", En: "send the file as multipart/form-data in the field file"}.In(lang))
	}
	broken := func(err error) error {
		if errors.Is(err, errBodyTooLarge) || errors.Is(err, batch.ErrTooLarge) || errors.Is(err, batch.ErrDiskFull) {
			return jobError(err, lang)
		}
		return NewProblem(http.StatusBadRequest, TypeMalformed, lang,
			calc.Text{Ru: "форма multipart/form-data повреждена или оборвана", En: "the multipart/form-data body is broken or cut short"}.In(lang))
	}
	body := uploadBody(c)
	mr := multipart.NewReader(body, boundary)
	var u *batch.Upload
	fail := func(err error) (*batch.Upload, batch.Params, error) {
		if u != nil {
			u.Abort()
		}
		return nil, p, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(broken(err))
		}
		name := part.FormName()
		if name == "file" && u == nil {
			// A form's file input left empty sends an empty part without a
			// file name: no file.
			var first [1]byte
			n, rerr := io.ReadFull(part, first[:])
			if n == 0 && part.FileName() == "" && (rerr == io.EOF || rerr == io.ErrUnexpectedEOF) {
				continue
			}
			if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				return fail(broken(rerr))
			}
			if u, err = m.NewUpload(); err != nil {
				return fail(jobError(err, lang))
			}
			p.Filename = part.FileName()
			if _, err := u.Write(first[:n]); err != nil {
				return fail(broken(err))
			}
			if _, err := io.Copy(u, part); err != nil {
				return fail(broken(err))
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, 4<<10))
		if err != nil {
			return fail(broken(err))
		}
		switch name {
		case "programme":
			p.Programme = string(v)
		case "annual_budget":
			p.AnnualBudget = string(v)
		case "allocation":
			p.Allocation = string(v)
		case "scenarios":
			p.Scenarios = joinScenarios(p.Scenarios, string(v))
		case "schedules":
			p.Schedules = p.Schedules || isTrue(string(v))
		case "lang":
			if l := string(v); l == LangRu || l == LangEn {
				p.Lang = l
			}
		}
		// The rest of an over-long or unknown field is skipped; the route's
		// limit bounds it.
		if _, err := io.Copy(io.Discard, part); err != nil {
			return fail(broken(err))
		}
	}
	// What follows the last boundary is read too (at most the route's
	// limit), so the connection can carry the next request.
	if _, err := io.Copy(io.Discard, body); err != nil {
		return fail(broken(err))
	}
	if u == nil {
		pr := NewProblem(http.StatusBadRequest, TypeMalformed, lang,
			calc.Text{Ru: "нет файла: отправьте его в поле file", En: "no file: send it in the field file"}.In(lang))
		pr.Errors = []FieldProblem{{Field: "file", Message: calc.Text{Ru: "обязательное поле", En: "required"}.In(lang)}}
		return fail(pr)
	}
	return u, p, nil
}

func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

// create is POST /api/v1/batches: 202 with the job once the upload is on
// disk; with ?wait=true the answer waits for the job to finish (up to
// Config.BatchWait, then 202 with the status so far).
func (h *batchHandlers) create(c *fiber.Ctx) error {
	lang := Lang(c)
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	u, p, err := h.upload(c, m, lang)
	if err != nil {
		return h.fail(c, err, lang)
	}
	j, err := m.SubmitUpload(u, p)
	if err != nil {
		return h.fail(c, err, lang)
	}
	status := http.StatusAccepted
	if isTrue(c.Query("wait")) {
		ctx, cancel := context.WithTimeout(context.Background(), h.s.cfg.BatchWait)
		j, err = m.Wait(ctx, j.ID)
		cancel()
		if err != nil {
			return h.fail(c, err, lang)
		}
		if j.IsFinished() {
			status = http.StatusOK
		}
	}
	v := h.view(j, lang)
	c.Set(fiber.HeaderLocation, v.StatusURL)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(v)
}

// status is GET /api/v1/batches/{id}.
func (h *batchHandlers) status(c *fiber.Ctx) error {
	lang := Lang(c)
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	j, err := m.Get(c.Params("id"))
	if err != nil {
		return h.fail(c, err, lang)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(h.view(j, lang))
}

// report is GET /api/v1/batches/{id}/report.xlsx: 404 for an unknown job,
// 409 while the job is not done (or when it failed). ?lang=ru|en chooses
// the report's language (default: the job's); the file is named
// batch-<id prefix>-<date>.xlsx.
func (h *batchHandlers) report(c *fiber.Ctx) error {
	lang := Lang(c)
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	id := c.Params("id")
	want := ""
	if l := c.Query("lang"); l == LangRu || l == LangEn {
		want = l
	}
	f, err := m.ReportIn(id, want)
	if errors.Is(err, batch.ErrNotReady) {
		return NewProblem(http.StatusConflict, TypeBlank, lang,
			calc.Text{Ru: "отчёт ещё не готов или задание завершилось ошибкой: см. статус задания", En: "the report is not ready or the job failed: see the job's status"}.In(lang))
	}
	if err != nil {
		return h.fail(c, err, lang)
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+reportName(id, f.ModTime())+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendStream(f, int(f.Size()))
}

// reportName is the download name of a batch report: what it is, which
// job, and when: batch-3f2a9c1d-2025-03-14.xlsx.
func reportName(id string, at time.Time) string {
	return "batch-" + id[:min(8, len(id))] + "-" + at.UTC().Format("2006-01-02") + ".xlsx"
}

// cancel is DELETE /api/v1/batches/{id}: a queued or running job stops
// and becomes "cancelled" (200 with its status); a finished job is 409.
func (h *batchHandlers) cancel(c *fiber.Ctx) error {
	lang := Lang(c)
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	j, err := m.Cancel(c.Params("id"))
	if err != nil {
		return h.fail(c, err, lang)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(h.view(j, lang))
}

// pageCancel is POST /batch/{id}/cancel, the status page's Cancel button:
// back to the status page (303), which then shows the job cancelled.
func (h *batchHandlers) pageCancel(c *fiber.Ctx) error {
	lang := Lang(c)
	if l := c.FormValue("lang"); l == LangRu || l == LangEn {
		lang = l
	}
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	id := c.Params("id")
	if _, err := m.Cancel(id); err != nil && !errors.Is(err, batch.ErrFinished) {
		return h.fail(c, err, lang)
	}
	return c.Redirect("/batch/"+url.PathEscape(id)+"?lang="+lang, http.StatusSeeOther)
}

// events is GET /api/v1/batches/{id}/events: the job's status as
// server-sent events ("event: status", data the JSON of GET
// /api/v1/batches/{id}) at every change while it runs, the last one when
// it finishes; then the stream ends. A stream also ends after
// Config.BatchEvents, and the browser's EventSource reconnects (retry:
// 1000 ms).
//
// The stream is written on the hijacked connection: a streamed Fiber body
// would be read whole by the request log before it is sent.
func (h *batchHandlers) events(c *fiber.Ctx) error {
	lang := Lang(c)
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	id := c.Params("id")
	if _, err := m.Get(id); err != nil {
		return h.fail(c, err, lang)
	}
	limit := h.s.cfg.BatchEvents
	log := h.s.log
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(conn net.Conn) {
		_ = conn.SetReadDeadline(time.Time{})
		w := bufio.NewWriter(conn)
		write := func(s string) bool {
			_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := w.WriteString(s); err != nil {
				return false
			}
			return w.Flush() == nil
		}
		if !write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n" +
			"Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nX-Content-Type-Options: nosniff\r\n" +
			"Connection: close\r\n\r\nretry: 1000\n\n") {
			return
		}
		end := time.NewTimer(limit)
		defer end.Stop()
		for {
			j, ch, err := m.Watch(id)
			if err != nil {
				write("event: gone\ndata: {}\n\n")
				return
			}
			b, err := json.Marshal(h.view(j, lang))
			if err != nil {
				log.Error("batch events", slog.String("error", err.Error()))
				return
			}
			if !write("event: status\ndata: " + string(b) + "\n\n") {
				return
			}
			if ch == nil {
				return // finished: that was the last event
			}
			keep := time.NewTimer(15 * time.Second)
			select {
			case <-ch:
			case <-keep.C:
				if !write(": keep-alive\n\n") {
					return
				}
			case <-end.C:
				keep.Stop()
				return
			case <-m.Done():
				keep.Stop()
				return
			}
			keep.Stop()
			// Progress changes every few milliseconds: send at most five
			// events a second.
			time.Sleep(200 * time.Millisecond)
		}
	})
	return nil
}

// jobView is a job as the API shows it, in one language.
type jobView struct {
	ID        string         `json:"id"`
	Status    string         `json:"status"`
	Rows      batch.Progress `json:"rows"`
	StatusURL string         `json:"status_url"`
	EventsURL string         `json:"events_url"`
	ReportURL string         `json:"report_url,omitempty"`
	// Percent of the rows processed (100 when done); QueuePosition the
	// job's place in the queue while it waits (1: next); SecondsLeft an
	// estimate of the time to the end while it runs.
	Percent       int      `json:"percent"`
	QueuePosition int      `json:"queue_position,omitempty"`
	SecondsLeft   *float64 `json:"seconds_left,omitempty"`
	Filename      string   `json:"filename,omitempty"`
	Programme     string   `json:"programme,omitempty"`
	// ProgrammeName is the programme's name in the answer's language.
	ProgrammeName string          `json:"programme_name,omitempty"`
	Budget        string          `json:"annual_budget,omitempty"`
	Allocation    string          `json:"allocation,omitempty"`
	Schedules     bool            `json:"schedules,omitempty"`
	Scenarios     string          `json:"scenarios,omitempty"`
	Lang          string          `json:"lang"`
	Created       time.Time       `json:"created_at"`
	Started       *time.Time      `json:"started_at,omitempty"`
	Finished      *time.Time      `json:"finished_at,omitempty"`
	Error         string          `json:"error,omitempty"`
	Summary       *jobSummary     `json:"summary,omitempty"`
	Warnings      []string        `json:"warnings,omitempty"`
	Errors        []jobRowProblem `json:"errors,omitempty"`
	// Ineligible are the first ineligible loans (at most 100) with the
	// conditions they fail.
	Ineligible []jobIneligible `json:"ineligible,omitempty"`
	// ErrorsOmitted counts the row problems not listed in Errors (the
	// report's Errors sheet has them all).
	ErrorsOmitted int `json:"errors_omitted,omitempty"`
}

type jobSummary struct {
	Rows           int                    `json:"rows"`
	Computed       int                    `json:"computed"`
	Eligible       int                    `json:"eligible"`
	Ineligible     int                    `json:"ineligible"`
	Rejected       int                    `json:"rejected"`
	EmptyRows      int                    `json:"empty_rows"`
	Format         string                 `json:"format"`
	SubsidyPayable map[string]string      `json:"subsidy_payable,omitempty"`
	SubsidyPaid    map[string]string      `json:"subsidy_paid,omitempty"`
	IneligibleBy   []jobCheckCount        `json:"ineligible_by,omitempty"`
	Allocation     []batch.YearAllocation `json:"allocation,omitempty"`
	Scenarios      []batch.ScenarioSum    `json:"scenarios,omitempty"`
}

// jobCheckCount is how many loans fail one eligibility check.
type jobCheckCount struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Loans int    `json:"loans"`
}

type jobIneligible struct {
	Row    int         `json:"row"`
	ID     string      `json:"id"`
	Failed []jobFailed `json:"failed"`
}

type jobFailed struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message,omitempty"`
}

type jobRowProblem struct {
	Row     int    `json:"row"`
	ID      string `json:"id"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// view is the job as the API shows it, with its place in the queue.
func (h *batchHandlers) view(j *batch.Job, lang string) *jobView {
	v := newJobView(j, lang)
	if j.Status == batch.StatusQueued && h.m != nil {
		v.QueuePosition = h.m.Position(j.ID)
	}
	return v
}

func newJobView(j *batch.Job, lang string) *jobView {
	base := "/api/v1/batches/" + j.ID
	v := &jobView{
		ID: j.ID, Status: j.Status, Rows: j.Rows, StatusURL: base, EventsURL: base + "/events",
		Filename: j.Params.Filename, Programme: j.Params.Programme, Budget: j.Params.AnnualBudget,
		Allocation: j.Params.Allocation, Schedules: j.Params.Schedules, Lang: j.Params.Lang, Scenarios: j.Params.Scenarios,
		Created: j.Created, Started: j.Started, Finished: j.Finished,
	}
	if p, ok := calc.LookupProgramme(j.Params.Programme); ok {
		v.ProgrammeName = p.Name().In(lang)
	}
	if strings.TrimSpace(j.Params.AnnualBudget) != "" && v.Allocation == "" {
		v.Allocation = calc.ProRata
	}
	done := j.Rows.Done + j.Rows.Failed
	if j.Rows.Total > 0 {
		v.Percent = min(100, done*100/j.Rows.Total)
	}
	if j.Status == batch.StatusDone {
		v.ReportURL = base + "/report.xlsx"
		v.Percent = 100
	}
	if j.Status == batch.StatusRunning && j.Started != nil && done > 0 && j.Rows.Total > done {
		left := time.Since(*j.Started).Seconds() * float64(j.Rows.Total-done) / float64(done)
		left = float64(int(left*10+0.5)) / 10
		v.SecondsLeft = &left
	}
	if j.Error != nil {
		v.Error = j.Error.In(lang)
	}
	if o := j.Outcome; o != nil {
		v.Summary = &jobSummary{Rows: o.Rows, Computed: o.Computed, Eligible: o.Eligible, Ineligible: o.Ineligible,
			Rejected: o.Rejected, EmptyRows: o.EmptyRows, Format: o.Format,
			SubsidyPayable: o.SubsidyPayable, SubsidyPaid: o.SubsidyPaid, Allocation: o.Allocation, Scenarios: o.Scenarios}
		if v.Summary.SubsidyPayable == nil {
			v.Summary.SubsidyPayable = o.SubsidyPaid // a job done before payable was counted apart
		}
		codes := make([]string, 0, len(o.IneligibleBy))
		for c := range o.IneligibleBy {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			v.Summary.IneligibleBy = append(v.Summary.IneligibleBy, jobCheckCount{Code: c, Name: report.CheckName(c, lang), Loans: o.IneligibleBy[c]})
		}
		for _, w := range o.Warnings {
			v.Warnings = append(v.Warnings, w.In(lang))
		}
		v.ErrorsOmitted = o.ErrorsOmitted
		for _, e := range o.Errors {
			v.Errors = append(v.Errors, jobRowProblem{Row: e.Row, ID: e.ID, Column: e.Column, Message: batch.Message{Ru: e.Ru, En: e.En}.In(lang)})
		}
		// The engine's messages are in the job's language.
		same := report.Lang(lang) == report.Lang(j.Params.Lang)
		for _, il := range o.IneligibleLoans {
			ji := jobIneligible{Row: il.Row, ID: il.ID}
			for _, f := range il.Failed {
				jf := jobFailed{Code: f.Code, Name: report.CheckName(f.Code, lang)}
				if same {
					jf.Message = f.Message
				}
				ji.Failed = append(ji.Failed, jf)
			}
			v.Ineligible = append(v.Ineligible, ji)
		}
	}
	return v
}

// ---- pages ----

// batchPage is the data of batch.html (the upload form) and
// batch_status.html (a job's progress and result).
type batchPage struct {
	pageData
	Programmes  []option
	Allocations []option
	Values      batch.Params
	Errors      []string
	// ErrorHead names what failed; ErrorLinks are the errors, each linking
	// to its field; FieldErrors the message beside each field.
	ErrorHead   string
	ErrorLinks  []errorLink
	FieldErrors map[string]string
	TemplateURL string
	Columns     []batchColumn
	Limits      string
	More        string

	Job      *jobView
	NotFound bool
	Percent  int
	Done     int
	// Running: queued or running (the page refreshes itself); Left the
	// estimated time left; Opt* the options the job runs with; OtherLang
	// the report's other language.
	Running                                bool
	Left                                   string
	OptProgramme, OptBudget, OptAllocation string
	OtherLang                              string
	// Paid and Allocation are the summary's figures formatted for the
	// page's language.
	Paid       []paidView
	Allocation []allocView
	// ScenarioOptions are the form's scenario checkboxes; ScenarioTables
	// a done job's payable subsidy by year under each scenario.
	ScenarioOptions []option
	ScenarioTables  []scenarioTableView
}

type paidView struct{ Currency, Amount string }

type allocView struct{ Year, Budget, Demand, Allocated, Shortfall string }

// fmtAmount formats a decimal string of the API for a page.
func fmtAmount(s, lang string) string {
	d, err := wire.ParseDecimal(s)
	if err != nil {
		return s
	}
	if m, err := calc.MoneyFromDecimal(d); err == nil {
		return FormatMoney(m, lang)
	}
	return FormatDecimal(d, lang)
}

type batchColumn struct {
	Label, Key, Help string
	Required         bool
}

func (h *batchHandlers) formPage(lang string, v batch.Params, errs []string) batchPage {
	p := batchPage{pageData: newPageData(lang, "/batch"), Values: v, Errors: errs,
		TemplateURL: "/api/v1/batches/template.xlsx?lang=" + lang}
	rows := report.DefaultMaxRows
	if h.m != nil {
		rows = h.m.MaxRows()
	}
	p.Limits = fmt.Sprintf(T(lang, "batch.limits"), calc.GroupDigits(strconv.Itoa(rows), lang != LangEn), h.s.cfg.UploadLimit>>20)
	p.Programmes = append(p.Programmes, option{Value: "", Label: T(lang, "batch.programme.file"), Selected: v.Programme == ""})
	for _, pr := range calc.Programmes() {
		p.Programmes = append(p.Programmes, option{Value: pr.ID, Label: pr.Name().In(lang), Selected: v.Programme == pr.ID})
	}
	p.ScenarioOptions = scenarioOptions(v.Scenarios)
	for _, a := range []string{calc.ProRata, calc.FirstCome} {
		p.Allocations = append(p.Allocations, option{Value: a, Label: T(lang, "batch.allocation."+a), Selected: v.Allocation == a})
	}
	for _, c := range report.Columns() {
		help := calc.Text{Ru: c.HelpRu, En: c.HelpEn}.In(lang)
		p.Columns = append(p.Columns, batchColumn{Label: c.Label(lang), Key: c.Key, Help: help, Required: c.Required})
	}
	return p
}

// page is GET /batch: the upload form.
func (h *batchHandlers) page(c *fiber.Ctx) error {
	lang := Lang(c)
	return h.s.render(c, http.StatusOK, "batch.html", h.formPage(lang, batch.Params{}, nil))
}

// pageUpload is POST /batch: the form's upload. A good upload is
// redirected (303) to its status page; a refused one shows the form again
// with every reason at once, each beside its field, under a heading that
// names what failed.
func (h *batchHandlers) pageUpload(c *fiber.Ctx) error {
	lang := Lang(c)
	var p batch.Params
	fields := map[string]string{}
	var order []string
	add := func(field, msg string) {
		if _, ok := fields[field]; !ok {
			order = append(order, field)
		}
		fields[field] = msg
	}
	m, err := h.manager(lang)
	if err == nil {
		var u *batch.Upload
		u, p, err = h.upload(c, m, lang)
		if p.Lang != "" {
			lang = p.Lang
		}
		if err == nil {
			var j *batch.Job
			j, err = m.SubmitUpload(u, p)
			if err == nil {
				return c.Redirect("/batch/"+j.ID+"?lang="+lang, http.StatusSeeOther)
			}
		}
		err = jobError(err, lang)
	}
	// The options are checked too, whatever failed first, so that every
	// problem shows at once.
	var ce *calc.Error
	check := p
	if _, cerr := check.Check(); errors.As(cerr, &ce) {
		for _, f := range ce.Fields {
			add(f.Field, f.In(lang))
		}
	}
	status := http.StatusUnprocessableEntity
	var general []string
	var pr *Problem
	var rp *retryProblem
	switch {
	case errors.As(err, &rp):
		status = rp.Status
		general = append(general, rp.Detail)
		c.Set(fiber.HeaderRetryAfter, "5")
	case errors.As(err, &pr):
		status = pr.Status
		if len(pr.Errors) == 0 {
			general = append(general, pr.Detail)
		}
		for _, fe := range pr.Errors {
			msg := fe.Message
			switch {
			case fe.Field == "file" && pr.Status == http.StatusBadRequest:
				msg = T(lang, "batch.file.missing") // the API's "send it in the field file" is no help on a page
			case fe.Field == "file" && pr.Detail != "" && pr.Detail != msg:
				msg = pr.Detail
			}
			add(fe.Field, msg)
		}
	case errors.As(err, &ce):
		for _, f := range ce.Fields {
			add(f.Field, f.In(lang))
		}
	default:
		return err
	}
	v := batch.Params{Programme: p.Programme, AnnualBudget: p.AnnualBudget, Allocation: p.Allocation, Schedules: p.Schedules, Scenarios: p.Scenarios}
	page := h.formPage(lang, v, nil)
	page.FieldErrors = fields
	var names []string
	for _, f := range order {
		label := T(lang, "batch.field."+f)
		names = append(names, label)
		page.Errors = append(page.Errors, label+": "+fields[f])
		page.ErrorLinks = append(page.ErrorLinks, errorLink{ID: f, Text: label + ": " + fields[f]})
	}
	page.Errors = append(page.Errors, general...)
	for _, g := range general {
		page.ErrorLinks = append(page.ErrorLinks, errorLink{Text: g})
	}
	page.ErrorHead = T(lang, "batch.errors")
	if len(names) > 0 {
		page.ErrorHead += ": " + strings.Join(names, ", ")
	}
	return h.s.render(c, status, "batch.html", page)
}

// errorLink is one line of the error summary, linking to its field.
type errorLink struct{ ID, Text string }

// pageStatus is GET /batch/{id}: the job's progress (live through the
// events stream and batch.js, or a refresh every few seconds without
// JavaScript), the options it runs with, then its summary, the loans not
// eligible and why, errors and the report link.
func (h *batchHandlers) pageStatus(c *fiber.Ctx) error {
	lang := Lang(c)
	id := c.Params("id")
	p := batchPage{pageData: newPageData(lang, "/batch/"+url.PathEscape(id))}
	m, err := h.manager(lang)
	if err != nil {
		return err
	}
	j, err := m.Get(id)
	if err != nil {
		if errors.Is(err, batch.ErrNotFound) {
			p.NotFound = true
			return h.s.render(c, http.StatusNotFound, "batch_status.html", p)
		}
		return err
	}
	p.Job = h.view(j, lang)
	if p.Job.ErrorsOmitted > 0 {
		p.More = fmt.Sprintf(T(lang, "batch.rejected.more"), len(p.Job.Errors), p.Job.ErrorsOmitted)
	}
	if p.Job.Summary != nil {
		pay := p.Job.Summary.SubsidyPayable
		curs := make([]string, 0, len(pay))
		for c := range pay {
			curs = append(curs, c)
		}
		slices.Sort(curs)
		for _, c := range curs {
			p.Paid = append(p.Paid, paidView{Currency: c, Amount: fmtAmount(pay[c], lang)})
		}
		p.ScenarioTables = scenarioTables(p.Job.Summary.Scenarios, lang)
		for _, y := range p.Job.Summary.Allocation {
			p.Allocation = append(p.Allocation, allocView{Year: strconv.Itoa(y.Year),
				Budget: fmtAmount(y.Budget, lang) + " " + y.Currency, Demand: fmtAmount(y.Demand, lang),
				Allocated: fmtAmount(y.Allocated, lang), Shortfall: fmtAmount(y.Shortfall, lang)})
		}
	}
	p.Done = j.Rows.Done + j.Rows.Failed
	p.Percent = p.Job.Percent
	p.Running = j.Status == batch.StatusQueued || j.Status == batch.StatusRunning
	if s := p.Job.SecondsLeft; s != nil {
		p.Left = fmtDuration(*s, lang)
	}
	// The options the job runs with.
	p.OptProgramme = T(lang, "batch.programme.file")
	if p.Job.ProgrammeName != "" {
		p.OptProgramme = p.Job.ProgrammeName
	}
	p.OptBudget = T(lang, "batch.opt.nobudget")
	if b := strings.TrimSpace(j.Params.AnnualBudget); b != "" {
		p.OptBudget = b
		if bud, err := batch.ParseBudget(b, j.Params.Lang, batch.BudgetCurrency(j.Params.Programme)); err == nil {
			p.OptBudget = FormatMoney(bud.Amount, lang) + " " + bud.Currency
		}
		p.OptAllocation = T(lang, "batch.allocation."+p.Job.Allocation)
	}
	p.OtherLang = LangEn
	if lang == LangEn {
		p.OtherLang = LangRu
	}
	return h.s.render(c, http.StatusOK, "batch_status.html", p)
}

// fmtDuration writes an estimated time left for people: "about 40 s",
// "about 3 min".
func fmtDuration(sec float64, lang string) string {
	if sec < 90 {
		return fmt.Sprintf(T(lang, "batch.left.s"), max(1, int(sec+0.5)))
	}
	return fmt.Sprintf(T(lang, "batch.left.min"), int(sec/60+0.5))
}

// Texts of the batch pages, added to the package's messages.
var batchMessages = map[string]calc.Text{
	"batch.title":                 {Ru: "Пакетный расчёт субсидий", En: "Batch subsidy calculation"},
	"batch.lead":                  {Ru: "Загрузите таблицу кредитов (.xlsx или CSV, одна строка — один кредит): сервис рассчитает каждый кредит так же, как одиночный расчёт, и соберёт отчёт Excel с итогами по годам и государствам, распределением бюджета и ошибками.", En: "Upload a table of loans (.xlsx or CSV, one row per loan): each loan is computed exactly as a single calculation, and an Excel report sums them up by year and member state, shares a budget and lists the errors."},
	"batch.template":              {Ru: "Скачать шаблон (.xlsx)", En: "Download the template (.xlsx)"},
	"batch.file":                  {Ru: "Файл с кредитами", En: "File of loans"},
	"batch.file.hint":             {Ru: "Книга .xlsx по шаблону или CSV с теми же столбцами.", En: "An .xlsx workbook made from the template, or CSV with the same columns."},
	"batch.programme":             {Ru: "Программа для строк без программы", En: "Programme of rows that name none"},
	"batch.programme.file":        {Ru: "из файла", En: "from the file"},
	"batch.budget":                {Ru: "Годовой бюджет программы", En: "The programme's annual budget"},
	"batch.budget.hint":           {Ru: "Необязательно. Сумма на каждый год, например 5 000 000 000 RUB: бюджет распределяется между проектами.", En: "Optional. The amount for each year, e.g. 5,000,000,000 RUB: it is shared among the projects."},
	"batch.allocation":            {Ru: "Способ распределения", En: "Allocation"},
	"batch.allocation.pro_rata":   {Ru: "пропорционально потребности", En: "pro rata to demand"},
	"batch.allocation.first_come": {Ru: "в порядке очереди заявок", En: "first come, first served"},
	"batch.schedules":             {Ru: "Включить в отчёт графики платежей всех кредитов", En: "Include every loan's schedule in the report"},
	"batch.submit":                {Ru: "Загрузить и рассчитать", En: "Upload and compute"},
	"batch.errors":                {Ru: "Файл не принят", En: "The file was not accepted"},
	"batch.columns":               {Ru: "Столбцы файла", En: "Columns of the file"},
	"batch.limits":                {Ru: "Не более %s кредитов и %d МиБ в одном файле.", En: "At most %s loans and %d MiB a file."},
	"batch.col.header":            {Ru: "Заголовок", En: "Header"},
	"batch.col.required":          {Ru: "обязательно", En: "required"},
	"batch.col.help":              {Ru: "Что указать", En: "What to enter"},
	"batch.status":                {Ru: "Пакетное задание", En: "Batch job"},
	"batch.status.queued":         {Ru: "в очереди", En: "queued"},
	"batch.status.running":        {Ru: "считается", En: "running"},
	"batch.status.done":           {Ru: "готово", En: "done"},
	"batch.status.failed":         {Ru: "ошибка", En: "failed"},
	"batch.progress":              {Ru: "Обработано строк", En: "Rows processed"},
	"batch.download":              {Ru: "Скачать отчёт (.xlsx)", En: "Download the report (.xlsx)"},
	"batch.summary":               {Ru: "Итоги", En: "Summary"},
	"batch.sum.rows":              {Ru: "Строк с кредитами", En: "Loan rows"},
	"batch.sum.computed":          {Ru: "Рассчитано", En: "Computed"},
	"batch.sum.eligible":          {Ru: "Условия выполнены: к выплате", En: "Eligible: payable"},
	"batch.sum.rejected":          {Ru: "Отклонено", En: "Rejected"},
	"batch.sum.paid":              {Ru: "Субсидия к выплате", En: "Subsidy paid"},
	"batch.alloc":                 {Ru: "Распределение бюджета", En: "Allocation of the budget"},
	"batch.alloc.year":            {Ru: "Год", En: "Year"},
	"batch.alloc.budget":          {Ru: "Бюджет", En: "Budget"},
	"batch.alloc.demand":          {Ru: "Потребность", En: "Demand"},
	"batch.alloc.allocated":       {Ru: "Выделено", En: "Allocated"},
	"batch.alloc.shortfall":       {Ru: "Недостаёт", En: "Shortfall"},
	"batch.warnings":              {Ru: "Предупреждения", En: "Warnings"},
	"batch.rejected":              {Ru: "Отклонённые строки", En: "Rejected rows"},
	"batch.rejected.more":         {Ru: "Показаны первые %d, ещё %d не показаны; все — в отчёте, на листе «Ошибки».", En: "The first %d are shown and %d more are not; the report's Errors sheet lists them all."},
	"batch.err.row":               {Ru: "Строка", En: "Row"},
	"batch.err.column":            {Ru: "Столбец", En: "Column"},
	"batch.err.reason":            {Ru: "Причина", En: "Reason"},
	"batch.failed":                {Ru: "Файл не удалось обработать", En: "The file could not be processed"},
	"batch.notfound":              {Ru: "Задание не найдено: неверная ссылка или срок хранения истёк.", En: "No such job: a wrong link, or the job has expired."},
	"batch.again":                 {Ru: "Загрузить другой файл", En: "Upload another file"},
	"batch.refresh":               {Ru: "Обновить", En: "Refresh"},
	"batch.field.programme":       {Ru: "Программа", En: "Programme"},
	"batch.field.annual_budget":   {Ru: "Годовой бюджет", En: "Annual budget"},
	"batch.field.allocation":      {Ru: "Способ распределения", En: "Allocation"},
	"batch.field.file":            {Ru: "Файл", En: "File"},
	"batch.file.missing":          {Ru: "выберите файл .xlsx или .csv", En: "choose an .xlsx or .csv file"},
	"batch.status.cancelled":      {Ru: "отменено", En: "cancelled"},
	"batch.cancel":                {Ru: "Отменить задание", En: "Cancel the job"},
	"batch.cancelled":             {Ru: "Задание отменено; отчёта нет.", En: "The job was cancelled; there is no report."},
	"batch.queue":                 {Ru: "Место в очереди: %d", En: "Place in the queue: %d"},
	"batch.left":                  {Ru: "Осталось", En: "Time left"},
	"batch.left.s":                {Ru: "около %d с", En: "about %d s"},
	"batch.left.min":              {Ru: "около %d мин", En: "about %d min"},
	"batch.refreshing":            {Ru: "Страница обновляется сама каждые 3 секунды.", En: "This page refreshes itself every 3 seconds."},
	"batch.opts":                  {Ru: "Параметры расчёта", En: "Options of the run"},
	"batch.opt.nobudget":          {Ru: "не задан (без распределения)", En: "none (no allocation)"},
	"batch.download.other":        {Ru: "English version", En: "Русская версия"},
	"batch.sum.ineligible":        {Ru: "Условия не выполнены: не выплачивается", En: "Ineligible: nothing payable"},
	"batch.sum.payable":           {Ru: "Субсидия к выплате", En: "Subsidy payable"},
	"batch.why":                   {Ru: "Почему не выплачивается", En: "Why nothing is payable"},
	"batch.why.condition":         {Ru: "Невыполненное условие", En: "Condition not met"},
	"batch.why.loans":             {Ru: "Кредитов", En: "Loans"},
	"batch.inel":                  {Ru: "Кредиты, условия которых не выполнены", En: "Loans that are not eligible"},
	"batch.inel.failed":           {Ru: "Невыполненные условия", En: "Conditions not met"},
}

func init() {
	for k, v := range batchMessages {
		messages[k] = v
	}
}
