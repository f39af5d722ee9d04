package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// sampleReconciliation is a bank's schedule of a golden loan with one
// interest cell altered.
func sampleReconciliation(t testing.TB) *calc.Reconciliation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "drawdowns-ratechange.json"))
	if err != nil {
		t.Fatal(err)
	}
	var req calc.Request
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	res, err := calc.Calculate(&req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rr := &calc.ReconcileRequest{Request: req}
	for _, p := range res.Schedule {
		i, s := p.Interest.Decimal(), p.SubsidyPayable.Decimal()
		rr.BankSchedule = append(rr.BankSchedule, calc.BankRow{Date: p.End, Interest: &i, Subsidy: &s})
	}
	v := rr.BankSchedule[6].Interest.Add(decimal.NewFromInt(15))
	rr.BankSchedule[6].Interest = &v
	rec, err := calc.Reconcile(rr, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestWriteReconciliation(t *testing.T) {
	rec := sampleReconciliation(t)
	for _, lang := range []string{"ru", "en"} {
		var b bytes.Buffer
		if err := report.WriteReconciliation(&b, rec, lang); err != nil {
			t.Fatal(err)
		}
		if out := os.Getenv("RECONCILE_XLSX_OUT"); out != "" {
			_ = os.WriteFile(filepath.Join(out, "reconcile-"+lang+".xlsx"), b.Bytes(), 0o644)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 4 {
			t.Fatalf("%s: sheets %v", lang, sheets)
		}
		rows, _ := f.GetRows(sheets[1])
		var found []string
		for _, r := range rows {
			if len(r) == 8 && r[0] == "7" {
				found = r
			}
		}
		if found == nil || found[4] == found[5] {
			t.Fatalf("%s: difference row of payment 7 missing: %q", lang, rows)
		}
		ours, _ := f.GetRows(sheets[3])
		if len(ours) != 25 {
			t.Fatalf("%s: our schedule has %d rows", lang, len(ours))
		}
		f.Close()
	}
}

// TestReconciliationPrints renders a long list of differences to PDF in
// LibreOffice: every page is A4, every page of the differences repeats
// the header row and carries "page / pages" in its footer.
func TestReconciliationPrints(t *testing.T) {
	bin := needSoffice(t)
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s missing: .ci/run must install poppler-utils", tool)
			}
			t.Skipf("%s missing", tool)
		}
	}
	rate, half := decimal.RequireFromString("24.5"), decimal.RequireFromString("0.5")
	req := calc.Request{Loan: calc.Loan{Amount: decimal.NewFromInt(1_000_000_000), Currency: "RUB", Rate: &rate,
		IssueDate: calc.MustDate("2025-03-14"), TermMonths: 120}, Subsidy: calc.SubsidyTerms{Programme: "custom",
		Rule: &calc.RuleOverride{LoanShare: &half}}}
	res, err := calc.Calculate(&req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rr := &calc.ReconcileRequest{Request: req}
	for _, p := range res.Schedule {
		i := p.Interest.Decimal().Add(decimal.NewFromInt(int64(p.N)))
		rr.BankSchedule = append(rr.BankSchedule, calc.BankRow{Date: p.End, Interest: &i})
	}
	rec, err := calc.Reconcile(rr, calc.Options{})
	if err != nil || len(rec.Differences) != 120 {
		t.Fatalf("%v, %d differences", err, len(rec.Differences))
	}
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "rec.xlsx")
	var b bytes.Buffer
	if err := report.WriteReconciliation(&b, rec, "ru"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xlsx, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation="+(&url.URL{Scheme: "file", Path: profile}).String(),
		"--headless", "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", dir, xlsx)
	cmd.Env = append(os.Environ(), "HOME="+profile, "LC_ALL=C.UTF-8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "rec.pdf")
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	pages := 0
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			pages, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "Page size:"); ok && !strings.Contains(v, "(A4)") {
			t.Errorf("page size %s, want A4", strings.TrimSpace(v))
		}
	}
	// Summary 1 page, differences ≥ 3, alternatives, our schedule ≥ 2.
	if pages < 7 {
		t.Fatalf("%d pages", pages)
	}
	diffPages := 0
	for p := 1; p <= pages; p++ {
		txt, err := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		s := string(txt)
		if !strings.Contains(strings.ReplaceAll(s, " ", ""), fmt.Sprintf("%d/%d", p, pages)) {
			t.Errorf("page %d: no page number in the footer", p)
		}
		if strings.Contains(s, "другой остаток долга") || strings.Contains(s, "причина не определена") {
			diffPages++
			if !strings.Contains(s, "Вероятная причина") {
				t.Errorf("page %d of the differences does not repeat the header row", p)
			}
		}
	}
	if diffPages < 2 {
		t.Errorf("the differences take %d pages; the test needs several", diffPages)
	}
}
