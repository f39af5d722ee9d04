package handlers_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
)

// TestReconcileOwnExports: the service's own schedule, downloaded from the
// API as CSV (both languages) and as its workbook, is a bank file that
// reconciles with every row matching (issue 11 §2 review).
func TestReconcileOwnExports(t *testing.T) {
	s := newServer(t, handlers.Config{Workbook: report.WriteCalculation})
	for _, q := range []string{"format=csv&lang=ru", "format=csv&lang=en", "format=xlsx&lang=ru", "format=xlsx&lang=en"} {
		t.Run(q, func(t *testing.T) {
			own := do(t, s, http.MethodPost, "/api/v1/calculations?"+q, eaeuLoan, "Content-Type", "application/json")
			if own.Status != 200 {
				t.Fatalf("calculation: %d", own.Status)
			}
			body, ct := recMultipart(t, map[string]string{"request": eaeuLoan}, string(own.Body))
			a := do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", ct)
			if a.Status != 200 {
				t.Fatalf("%d %s", a.Status, a)
			}
			var r recAnswer
			if err := json.Unmarshal(a.Body, &r); err != nil {
				t.Fatal(err)
			}
			if r.RowsChecked != 60 || r.RowsMatching != 60 || r.RowsOff != 0 {
				t.Fatalf("%d checked, %d matching, %d off; warnings %v", r.RowsChecked, r.RowsMatching, r.RowsOff, r.Warnings)
			}
		})
	}
}

// hugeSharedString is a 20 KB workbook whose 60 dated rows point at one
// shared string of 20 MB (the reviewer's hostile_ss.py).
func hugeSharedString(t testing.TB) string {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	var sheet strings.Builder
	sheet.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
	for r := 2; r < 62; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>2025-04-14</t></is></c><c r="B%d" t="s"><v>2</v></c></row>`, r, r, r)
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook ` + ns + ` xmlns:r="` + rel + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + rel + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<sst ` + ns + `><si><t>date</t></si><si><t>interest</t></si><si><t>` + strings.Repeat("A", 20<<20) + `</t></si></sst>`},
		{"xl/worksheets/sheet1.xml", `<worksheet ` + ns + `><sheetData>` + sheet.String() + `</sheetData></worksheet>`},
	} {
		w, _ := z.Create(p[0])
		_, _ = w.Write([]byte(p[1]))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 100<<10 {
		t.Fatalf("%d bytes", b.Len())
	}
	return b.String()
}

// TestReconcileHostileWorkbook: the API and the page refuse the tiny
// workbook that points at one huge text with a 422 naming the part,
// quickly, without echoing the text.
func TestReconcileHostileWorkbook(t *testing.T) {
	s := newServer(t, handlers.Config{})
	file := hugeSharedString(t)
	start := time.Now()
	body, ct := recMultipart(t, map[string]string{"request": eaeuLoan}, file)
	a := do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", ct)
	p := problem(t, a)
	if a.Status != 422 || !hasField(p, "file") || !strings.Contains(p.Errors[0].Message, "xl/sharedStrings.xml") || len(a.Body) > 4<<10 {
		t.Fatalf("%d %.500s", a.Status, a.Body)
	}
	fields := map[string]string{
		"loan.amount": "1000000000", "loan.currency": "RUB", "loan.rate": "24.5", "loan.issue_date": "2025-03-14",
		"loan.term_months": "60", "subsidy.programme": "eaeu-industrial",
	}
	body, ct = recMultipart(t, fields, file)
	a = do(t, s, http.MethodPost, "/reconcile?lang=en", body, "Content-Type", ct)
	if a.Status != 422 || !strings.Contains(string(a.Body), "xl/sharedStrings.xml") || strings.Contains(string(a.Body), "AAAAAAAAAA") {
		t.Fatalf("page: %d", a.Status)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
}
