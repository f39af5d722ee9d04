package report_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/eaeu-subsidy/subsidy/report"
)

const csvHeaderMin = "id;project;amount;currency;rate;issue_date;term_months;programme"

// TestCSVQuotesAsSpreadsheets: fields are split as LibreOffice Calc 7.4
// splits them (each expected value was read back from `soffice --headless
// --infilter=CSV:59,34,76,1 --convert-to csv` of the same line): a quote
// that does not end its field is text, and no line is swallowed.
func TestCSVQuotesAsSpreadsheets(t *testing.T) {
	cases := []struct {
		name, line, project string
	}{
		{"QuoteThenText", `"Ромашка" ООО`, `"Ромашка" ООО`},
		{"EscapedQuotes", `"Ромашка ""Лютик"""`, `Ромашка "Лютик"`},
		{"QuoteInsideText", `Ромашка "Лютик"`, `Ромашка "Лютик"`},
		{"QuotedSeparator", `"Ромашка; Лютик"`, `Ромашка; Лютик`},
		{"StrayQuotes", `"x"y"z`, `"x"y"z`},
		{"NeverClosed", `"unterminated`, `"unterminated`},
		{"Empty", `""`, ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(csvHeaderMin + "\n")
			for i := range 5 {
				fmt.Fprintf(&b, "A%d;%s;1000;RUB;20;2025-01-01;12;custom\n", i+1, tc.line)
			}
			r, loans := readAll(t, writeFile(t, "in.csv", []byte(b.String())), report.ReadOptions{})
			if len(loans) != 5 || r.Rows() != 5 {
				t.Fatalf("%d loans, want 5", len(loans))
			}
			for i, l := range loans {
				if l.Row != i+2 || l.ID != fmt.Sprintf("A%d", i+1) || l.Project != tc.project {
					t.Errorf("loan %d: row %d id %q project %q, want row %d project %q", i, l.Row, l.ID, l.Project, i+2, tc.project)
				}
			}
		})
	}
}

// TestCSVLines: rows are numbered by the file's lines (blank lines count),
// every line ending is read, a quoted cell may span lines, and a line that
// cannot be read is rejected with its number.
func TestCSVLines(t *testing.T) {
	row := func(id string) string { return id + ";P;1000;RUB;20;2025-01-01;12;custom" }
	cases := []struct {
		name string
		data string
		ids  []string
		rows []int
		bad  map[int]string // row -> substring of the problem
	}{
		{"LF", csvHeaderMin + "\n" + row("a") + "\n" + row("b") + "\n", []string{"a", "b"}, []int{2, 3}, nil},
		{"CRLF", csvHeaderMin + "\r\n" + row("a") + "\r\n" + row("b"), []string{"a", "b"}, []int{2, 3}, nil},
		{"CROnly", csvHeaderMin + "\r" + row("a") + "\r" + row("b") + "\r", []string{"a", "b"}, []int{2, 3}, nil},
		{"BlankLinesCount", "\n" + csvHeaderMin + "\n\n" + row("a") + "\n;;;;\n\r\n" + row("b") + "\n", []string{"a", "b"}, []int{4, 7}, nil},
		{"MultiLineCell", csvHeaderMin + "\n" + `a;"two` + "\n" + `lines";1000;RUB;20;2025-01-01;12;custom` + "\n" + row("b") + "\n",
			[]string{"a", "b"}, []int{2, 4}, nil},
		{"LongLine", csvHeaderMin + "\n" + row("a") + "\n" + "x;" + strings.Repeat("y", 1<<20+10) + "\n" + row("b") + "\n",
			[]string{"a", "", "b"}, []int{2, 3, 4}, map[int]string{3: "longer than"}},
		{"QuoteLeftOpen", csvHeaderMin + "\n" + `a;"Ромашка;1000;RUB;20;2025-01-01;12;custom` + "\n" + `b;P";1000;RUB;20;2025-01-01;12;custom` + "\n" + row("c") + "\n",
			[]string{"a", "b", "c"}, []int{2, 3, 4}, nil},
		{"BOM", "\uFEFF" + csvHeaderMin + "\n" + row("a") + "\n", []string{"a"}, []int{2}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, loans := readAll(t, writeFile(t, "in.csv", []byte(tc.data)), report.ReadOptions{})
			if len(loans) != len(tc.ids) {
				t.Fatalf("%d loans, want %d", len(loans), len(tc.ids))
			}
			for i, l := range loans {
				if l.ID != tc.ids[i] || l.Row != tc.rows[i] {
					t.Errorf("loan %d: id %q row %d, want %q row %d", i, l.ID, l.Row, tc.ids[i], tc.rows[i])
				}
				want, bad := tc.bad[l.Row]
				switch {
				case bad && (l.Request != nil || len(l.Problems) == 0 || !strings.Contains(l.Problems[0].En, want)):
					t.Errorf("row %d: problems %v, want %q", l.Row, problemsOf(l), want)
				case !bad && l.Request == nil:
					t.Errorf("row %d rejected: %v", l.Row, problemsOf(l))
				}
			}
		})
	}
}

// TestCSVInvariantRandom: on random files made of rows with awkward
// quoting, blank lines and mixed line endings, in UTF-8 and Windows-1251,
// every data row the file holds comes back exactly once, numbered by the
// line it starts on. The expected rows and lines come from the generator,
// not from the reader.
func TestCSVInvariantRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 3))
	cells := []string{`Ромашка`, `"Ромашка" ООО`, `"Ромашка ""Лютик"""`, `Ромашка "Лютик"`, `"a;b"`, `"x"y"z`,
		`""`, ``, `"unterminated`, `ООО «Лютик»`, `ООО "Лютик"`, `Лютик"`, `"two` + "\n" + `lines"`}
	ends := []string{"\n", "\r\n", "\r"}
	for iter := range 300 {
		var b strings.Builder
		end := ends[rng.IntN(3)]
		if rng.IntN(4) == 0 {
			end = "" // mixed: chosen per line below
		}
		eol := func() string {
			if end != "" {
				return end
			}
			return ends[rng.IntN(3)]
		}
		line := 1
		b.WriteString(csvHeaderMin + eol())
		line++
		var wantRows []int
		n := rng.IntN(30)
		for k := range n {
			switch rng.IntN(6) {
			case 0:
				blank := []string{"", ";;;;", "  ", `;"";`}[rng.IntN(4)]
				if blank == "" && strings.HasSuffix(b.String(), "\r") {
					blank = " " // CR then LF would be one line end, CR LF
				}
				b.WriteString(blank + eol())
				line++
				continue
			}
			project := cells[rng.IntN(len(cells))]
			wantRows = append(wantRows, line)
			fmt.Fprintf(&b, "r%d;%s;1000;RUB;20;2025-01-01;12;custom", k, project)
			line += 1 + strings.Count(project, "\n")
			b.WriteString(eol())
		}
		data := b.String()
		if rng.IntN(2) == 0 {
			enc, err := charmap.Windows1251.NewEncoder().String(data)
			if err != nil {
				t.Fatal(err)
			}
			data = enc
		}
		_, loans := readAll(t, writeFile(t, "in.csv", []byte(data)), report.ReadOptions{})
		if len(loans) != len(wantRows) {
			t.Fatalf("file %d: %d loans, want %d\n%q", iter, len(loans), len(wantRows), data)
		}
		for i, l := range loans {
			if l.Row != wantRows[i] {
				t.Fatalf("file %d: loan %d on row %d, want %d\n%q", iter, i, l.Row, wantRows[i], data)
			}
			if (l.Request == nil) == (len(l.Problems) == 0) {
				t.Fatalf("file %d row %d: request %v problems %v", iter, l.Row, l.Request != nil, problemsOf(l))
			}
		}
	}
}

// FuzzOpenLoans: any file, CSV or xlsx, is read without a panic; each row
// is either a request or rejected with a reason, row numbers grow, and a
// CSV file gives no more rows than it has lines.
func FuzzOpenLoans(f *testing.F) {
	f.Add([]byte(csvHeaderMin + "\nA1;\"Ромашка\" ООО;1000;RUB;20;2025-01-01;12;custom\n"))
	f.Add([]byte(csvHeaderMin + "\r" + `a;"x` + "\r" + `y";1;RUB;20;01.01.2025;12;custom` + "\r"))
	f.Add([]byte("id,amount\n\"\"\"\n,\n"))
	var tpl bytes.Buffer
	if err := report.WriteTemplate(&tpl, "en"); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := report.OpenLoans(p, report.ReadOptions{MaxRows: 1000, UnzipSizeLimit: 16 << 20})
		if err != nil {
			var ie *report.InputError
			if !errors.As(err, &ie) || ie.En == "" || ie.Ru == "" {
				t.Fatalf("OpenLoans: %T %v", err, err)
			}
			return
		}
		defer r.Close()
		last := 0
		for {
			l, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var ie *report.InputError
				if !errors.As(err, &ie) {
					t.Fatalf("Next: %T %v", err, err)
				}
				break
			}
			if l.Row <= last {
				t.Fatalf("row %d after row %d", l.Row, last)
			}
			last = l.Row
			if (l.Request == nil) == (len(l.Problems) == 0) {
				t.Fatalf("row %d: request %v, problems %v", l.Row, l.Request != nil, l.Problems)
			}
		}
		if r.Format == "csv" {
			lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
			if r.Rows() > lines {
				t.Fatalf("%d rows from %d lines", r.Rows(), lines)
			}
		}
	})
}
