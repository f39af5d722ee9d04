package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recalcProfile makes LibreOffice recalculate every formula on load
// (LibreOffice with a throw-away profile that recalculates on load), so a stale cached value can never pass for a result.
const recalcProfile = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`

// csvAllSheets exports every sheet to its own CSV file with raw values.
const csvAllSheets = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"

// needSoffice skips the test when LibreOffice is not installed, and fails
// it in CI, where .ci/run installs it.
func needSoffice(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("soffice missing: .ci/run must install libreoffice-calc")
		}
		t.Skip("soffice (LibreOffice) missing; recalculation test skipped")
	}
	return bin
}

// soffice converts xlsxPath with headless LibreOffice (convertTo: "pdf"
// or a CSV filter) in a fresh profile that recalculates on load, into a
// new directory it returns with the program's output. It is the one place
// the tests start LibreOffice.
func soffice(t *testing.T, xlsxPath, convertTo string) (outDir string, output []byte) {
	t.Helper()
	bin := needSoffice(t)
	profile := t.TempDir()
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(recalcProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	outDir = t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation="+(&url.URL{Scheme: "file", Path: profile}).String(),
		"--headless", "--norestore", "--nolockcheck",
		"--convert-to", convertTo, "--outdir", outDir, xlsxPath)
	cmd.Env = append(os.Environ(), "HOME="+profile, "LC_ALL=C.UTF-8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	return outDir, out
}

// recalc opens xlsxPath in headless LibreOffice with a fresh profile that
// recalculates on load and returns every sheet as CSV rows, by sheet name.
func recalc(t *testing.T, xlsxPath string, sheets []string) map[string][][]string {
	t.Helper()
	outDir, out := soffice(t, xlsxPath, csvAllSheets)
	base := strings.TrimSuffix(filepath.Base(xlsxPath), filepath.Ext(xlsxPath))
	got := map[string][][]string{}
	for _, s := range sheets {
		p := filepath.Join(outDir, base+"-"+s+".csv")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("LibreOffice wrote no CSV for sheet %q (%v); its output:\n%s", s, err, out)
		}
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("sheet %q: %v", s, err)
		}
		got[s] = rows
	}
	return got
}

// toPDF prints the workbook at xlsxPath to a PDF with headless LibreOffice
// (a fresh profile that recalculates on load) and returns the PDF's path.
func toPDF(t *testing.T, xlsxPath string) string {
	t.Helper()
	outDir, out := soffice(t, xlsxPath, "pdf")
	pdf := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(xlsxPath), filepath.Ext(xlsxPath))+".pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Fatalf("LibreOffice wrote no PDF (%v); its output:\n%s", err, out)
	}
	return pdf
}
