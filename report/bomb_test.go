package report_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/report"
)

// repeated returns a deflate stream of n copies of unit (n×len(unit)
// bytes unpacked; a few hundred times smaller packed), and its CRC: one
// deflate block of the repeated text, copied.
func repeated(t testing.TB, unit []byte, n int) (stream []byte, crc uint32, size uint64) {
	t.Helper()
	per := max((1<<20)/len(unit), 1)
	chunk := bytes.Repeat(unit, per)
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(chunk)
	fw.Flush()
	a := buf.Len()
	fw.Write(chunk)
	fw.Flush()
	b := buf.Len()
	fw.Write(chunk)
	fw.Flush()
	c := buf.Len()
	fw.Close()
	all := buf.Bytes()
	block := all[a:b]
	if !bytes.Equal(block, all[b:c]) {
		t.Fatal("deflate blocks differ; cannot build the bomb")
	}
	chunks := max(n/per, 2)
	var s bytes.Buffer
	s.Write(all[:a])
	for range chunks - 1 {
		s.Write(block)
	}
	s.Write(all[c:])
	for range chunks {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	return s.Bytes(), crc, uint64(chunks) * uint64(len(chunk))
}

// part is one entry of a test workbook: plain data, or a raw deflate
// stream with its CRC and the size to declare.
type part struct {
	name     string
	data     string
	raw      []byte
	crc      uint32
	declared uint64
	store    bool // written without compression (cheap for many tiny parts)
}

// sheetXML is a worksheet with a header row and rows data rows.
func sheetXML(rows int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	cols := []string{"id", "amount", "currency", "rate", "issue_date", "term_months", "programme"}
	b.WriteString(`<row r="1">`)
	for i, c := range cols {
		fmt.Fprintf(&b, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, c)
	}
	b.WriteString(`</row>`)
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>L%d</t></is></c><c r="B%d"><v>1000</v></c>`+
			`<c r="C%d" t="inlineStr"><is><t>RUB</t></is></c><c r="D%d"><v>20</v></c>`+
			`<c r="E%d" t="inlineStr"><is><t>2025-01-01</t></is></c><c r="F%d"><v>12</v></c>`+
			`<c r="G%d" t="inlineStr"><is><t>custom</t></is></c></row>`, r, r, r, r, r, r, r, r, r)
		// A formatted empty row: not a loan, not counted.
		fmt.Fprintf(&b, `<row r="%d" s="1" customFormat="1"/>`, r+100000)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

// workbookZip writes a minimal workbook (one sheet "Loans" with rows data
// rows) plus extra parts; a part named like a base part replaces it.
func workbookZip(t testing.TB, rows int, extra ...part) string {
	t.Helper()
	parts := []part{
		{name: "[Content_Types].xml", data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{name: "_rels/.rels", data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Loans" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{name: "xl/worksheets/sheet1.xml", data: sheetXML(rows)},
	}
	base := map[string]int{}
	for i, p := range parts {
		base[p.name] = i
	}
	for _, e := range extra {
		if i, ok := base[e.name]; ok {
			parts[i] = e
		} else {
			parts = append(parts, e)
		}
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		if p.raw != nil {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: p.crc,
				CompressedSize64: uint64(len(p.raw)), UncompressedSize64: p.declared})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(p.raw)
			continue
		}
		h := &zip.FileHeader{Name: p.name, Method: zip.Deflate}
		if p.store {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "in.xlsx", out.Bytes())
}

// bomb is a part of n copies of unit, declaring its true size unless
// declared is given.
func bomb(t testing.TB, name string, unit string, n int, declared uint64) part {
	raw, crc, size := repeated(t, []byte(unit), n)
	if declared == 0 {
		declared = size
	}
	return part{name: name, raw: raw, crc: crc, declared: declared}
}

// TestSpreadsheetBombs: each kind of workbook bomb, built here and small
// on disk, is refused by OpenLoans before excelize reads it, with an
// InputError naming the part, quickly and with little memory.
func TestSpreadsheetBombs(t *testing.T) {
	sst := func(n int) string {
		return `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			strings.Repeat(`<si><t>a</t></si>`, n) + `</sst>`
	}
	cases := []struct {
		name string
		file func(t *testing.T) string
		opt  report.ReadOptions
		want string
	}{
		{"MemoryPart500MiB", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/media/image1.bin", "\x00", 500<<20, 0))
		}, report.ReadOptions{}, "xl/media/image1.bin: it unpacks to 500 MiB, more than the 16 MiB"},
		{"Styles468MB", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/styles.xml", `<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>`, 468<<20/53, 0))
		}, report.ReadOptions{}, "xl/styles.xml: it unpacks to"},
		{"SharedStrings25M", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/sharedStrings.xml", `<si><t>a</t></si>`, 25_000_000, 0))
		}, report.ReadOptions{}, "xl/sharedStrings.xml: it packs"},
		{"SharedStringsCount", func(t *testing.T) string {
			return workbookZip(t, 2, part{name: "xl/sharedStrings.xml", data: sst(2000)})
		}, report.ReadOptions{MaxSharedStrings: 1000}, "holds 2000 different texts, more than the 1000"},
		{"OneHugeString", func(t *testing.T) string {
			return workbookZip(t, 2, part{name: "xl/sharedStrings.xml", data: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` +
				strings.Repeat("A", 7<<20) + `</t></si></sst>`})
		}, report.ReadOptions{}, "xl/sharedStrings.xml: one of its texts takes 7340"},
		{"SheetOverLimit", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/worksheets/sheet2.xml", " ", 1<<30, 0))
		}, report.ReadOptions{}, "xl/worksheets/sheet2.xml: it unpacks to 1024 MiB, more than the 512 MiB"},
		{"SheetRatio", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/worksheets/sheet2.xml", " ", 300<<20, 0))
		}, report.ReadOptions{}, "looks like a zip bomb"},
		{"LyingSize", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/worksheets/sheet1.xml", " ", 64<<20, 1000))
		}, report.ReadOptions{}, "xl/worksheets/sheet1.xml: it unpacks to more than the 1000 bytes it declares"},
		{"LyingSizeMemoryPart", func(t *testing.T) string {
			return workbookZip(t, 2, bomb(t, "xl/styles.xml", " ", 64<<20, 1000))
		}, report.ReadOptions{}, "xl/styles.xml: it unpacks to more than the 1000 bytes"},
		{"ManyParts", func(t *testing.T) string {
			var ps []part
			for i := range 20_000 {
				ps = append(ps, part{name: fmt.Sprintf("xl/x/%d.xml", i), data: "x", store: true})
			}
			return workbookZip(t, 2, ps...)
		}, report.ReadOptions{}, "20005 parts, more than the 10000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.file(t)
			fi, _ := os.Stat(p)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			r, err := report.OpenLoans(p, tc.opt)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				r.Close()
				t.Fatal("the bomb was opened")
			}
			var ie *report.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.En, tc.want) || !strings.Contains(ie.Ru, "част") {
				t.Fatalf("error %T %v, want an InputError saying %q", err, err, tc.want)
			}
			// Allocation counts are deterministic, unlike time: the
			// refusal must not read the bomb into memory.
			alloc := after.TotalAlloc - before.TotalAlloc
			if alloc > 64<<20 {
				t.Errorf("refusing allocated %d MiB", alloc>>20)
			}
			t.Logf("%d KiB on disk: refused in %v, %.1f MiB allocated: %s", fi.Size()>>10, took, float64(alloc)/(1<<20), ie.En)
		})
	}
}

// TestWorkbookRowCount: the rows of the data sheet are counted before it
// is read (formatted empty rows do not count), so a file over the row limit
// is refused at once, and a workbook within the limits opens.
func TestWorkbookRowCount(t *testing.T) {
	p := workbookZip(t, 12)
	r, err := report.OpenLoans(p, report.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Estimate() != 12 {
		t.Errorf("estimate %d, want 12", r.Estimate())
	}
	n := 0
	for {
		l, err := r.Next()
		if err != nil {
			break
		}
		if l.Request == nil {
			t.Errorf("row %d rejected: %v", l.Row, problemsOf(l))
		}
		n++
	}
	r.Close()
	if n != 12 {
		t.Errorf("read %d loans, want 12", n)
	}
	_, err = report.OpenLoans(p, report.ReadOptions{MaxRows: 10})
	var ie *report.InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.En, "12 loans, more than the 10 allowed") {
		t.Errorf("over the row limit: %v", err)
	}
}

// TestRowLimitWhileReading: when the rows could not be counted before
// reading (a worksheet part named unlike Excel's), the limit stops the
// read with an InputError saying how many rows were read.
func TestRowLimitWhileReading(t *testing.T) {
	p := workbookZip(t, 12,
		part{name: "xl/_rels/workbook.xml.rels", data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>`},
		part{name: "xl/worksheets/sheet1.xml", data: "<worksheet/>"},
		part{name: "xl/worksheets/data.xml", data: sheetXML(12)})
	r, err := report.OpenLoans(p, report.ReadOptions{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Next()
		if err != nil {
			var ie *report.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.En, "more than 10 loans (stopped after 10 rows)") {
				t.Fatalf("after %d rows: %v", n, err)
			}
			break
		}
		n++
	}
	if n != 10 {
		t.Errorf("read %d rows before the limit, want 10", n)
	}
}
