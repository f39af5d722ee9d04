package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Limits on the parts of an uploaded workbook, checked by [checkZip]
// before excelize reads any of it. excelize keeps every part in memory but
// the worksheets and the shared strings (unpacked to temporary files when
// over UnzipXMLSizeLimit), and parses styles.xml whole, at about ten times
// its size; so the parts it holds in memory are bounded by the byte, the
// shared strings by their number.
const (
	// DefaultMaxPartSize bounds one part that excelize holds in memory
	// (anything but worksheets and shared strings): a real workbook's
	// largest such part, styles.xml, is well under 1 MiB, and even the
	// "too many cell formats" files Excel warns about (64,000 formats)
	// stay under 8 MiB.
	DefaultMaxPartSize = 16 << 20
	// DefaultMaxMemoryParts bounds all such parts together.
	DefaultMaxMemoryParts = 64 << 20
	// maxZipEntries bounds the number of parts (a workbook has tens).
	maxZipEntries = 10_000
	// maxRatio is the highest compression ratio accepted for a part over
	// ratioFloor bytes. Sheet XML of real workbooks packs 8 to 40 times;
	// runs of one byte pack ~1,000 times, which is what a bomb is made of.
	maxRatio   = 100
	ratioFloor = 8 << 20
)

// maxStringBytes bounds the XML of one shared string of a batch file.
// Excel holds at most 32,767 characters in a cell (at most 164 KiB of XML,
// every character an entity); one 7 MB text that 2,000 rows point at made
// a 22 KB batch file take gigabytes.
const maxStringBytes = 256 << 10

// zipInfo is what checkZip learns of a workbook.
type zipInfo struct {
	// rows counts, by sheet name, the rows that hold at least one value
	// (a formatted empty row does not count). Missing when unknown.
	rows map[string]int
	// parts maps each sheet's name to its worksheet part (lower case).
	parts map[string]string
	// stringLens are the XML bytes of each shared string, in order (when
	// zipLimits.lengths asked for them).
	stringLens []int32
}

// zipLimits are the bounds checkZipReader holds a workbook to.
type zipLimits struct {
	// unzip bounds all parts together, and each worksheet.
	unzip int64
	// sstBytes bounds the shared strings part (0: unzip).
	sstBytes int64
	// sharedStrings bounds the number of shared strings.
	sharedStrings int
	// stringBytes bounds one shared string, as XML bytes (0: no bound):
	// every cell that points at a string gets its own copy of it from
	// excelize when the strings are rich text or unpacked to a file.
	stringBytes int64
	// lengths asks for zipInfo.stringLens.
	lengths bool
}

// partKind tells how excelize treats a part.
func partKind(name string) string {
	n := strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
	switch {
	case n == "xl/sharedstrings.xml":
		return "sst"
	case strings.HasPrefix(n, "xl/worksheets/sheet"):
		return "sheet"
	}
	return "memory"
}

// checkZip reads the zip directory of the workbook at p and every part's
// bytes, refusing (with an *InputError naming the part) before excelize
// sees the file:
//   - more than maxZipEntries parts;
//   - a part whose declared size is over its limit (worksheets and shared
//     strings: UnzipSizeLimit; anything else: DefaultMaxPartSize, and
//     DefaultMaxMemoryParts together), or all of them over UnzipSizeLimit;
//   - a part over ratioFloor that packs more than maxRatio times;
//   - a part that unpacks to more bytes than it declares (archive/zip
//     trusts the declared size: excelize would read a cut part);
//   - more shared strings than MaxSharedStrings.
//
// The unpacked bytes are only counted, never kept, except the two small
// parts that name the sheets.
func checkZip(p string, opt ReadOptions) (*zipInfo, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, nil // not a zip after all: excelize says what is wrong
	}
	defer zr.Close()
	return checkZipReader(&zr.Reader, zipLimits{unzip: opt.UnzipSizeLimit, sharedStrings: opt.MaxSharedStrings, stringBytes: maxStringBytes})
}

// checkZipReader is checkZip on an open zip, with the limits lim (the
// bank's schedule has its own: see bankZipLimits); it also refuses a
// shared strings part over lim.sstBytes and a shared string over
// lim.stringBytes.
func checkZipReader(zr *zip.Reader, lim zipLimits) (*zipInfo, error) {
	if len(zr.File) > maxZipEntries {
		return nil, inputErr(calc.Text{
			Ru: "в книге %d частей, больше допустимых %d: это не обычная таблица",
			En: "the workbook has %d parts, more than the %d allowed: it is not a plain spreadsheet",
		}, len(zr.File), maxZipEntries)
	}
	var total, memory uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		limit := uint64(lim.unzip)
		switch partKind(f.Name) {
		case "memory":
			limit = DefaultMaxPartSize
			memory += size
		case "sst":
			if lim.sstBytes > 0 {
				limit = uint64(min(lim.sstBytes, lim.unzip))
			}
		}
		if size > limit {
			return nil, partErr(f.Name, calc.Text{
				Ru: "в распакованном виде %d МиБ, больше допустимых %d МиБ",
				En: "it unpacks to %d MiB, more than the %d MiB allowed",
			}, size>>20, limit>>20)
		}
		if memory > DefaultMaxMemoryParts {
			return nil, partErr(f.Name, calc.Text{
				Ru: "части книги, кроме листов, в распакованном виде больше %d МиБ",
				En: "the workbook's parts other than sheets unpack to more than %d MiB",
			}, DefaultMaxMemoryParts>>20)
		}
		if total > uint64(lim.unzip) {
			return nil, inputErr(calc.Text{
				Ru: "книга в распакованном виде больше %d МиБ: разделите её на файлы поменьше",
				En: "the workbook unpacks to more than %d MiB: split it into smaller files",
			}, lim.unzip>>20)
		}
		if size > ratioFloor && size > maxRatio*f.CompressedSize64 {
			return nil, partErr(f.Name, calc.Text{
				Ru: "сжата в %d раз (%d МиБ в распакованном виде), сильнее, чем сжимаются таблицы: файл похож на zip-бомбу",
				En: "it packs %d times (%d MiB unpacked), more than a spreadsheet does: the file looks like a zip bomb",
			},
				size/max(f.CompressedSize64, 1), size>>20)
		}
	}
	info := &zipInfo{rows: map[string]int{}}
	partRows := map[string]int{}
	var workbook, rels []byte
	for _, f := range zr.File {
		var sc xmlCounter
		var keep *[]byte
		switch n := strings.ToLower(f.Name); {
		case partKind(f.Name) == "sheet":
			sc.rows = true
		case partKind(f.Name) == "sst":
			sc.strings, sc.lengths = true, lim.lengths
		case n == "xl/workbook.xml":
			keep = &workbook
		case n == "xl/_rels/workbook.xml.rels":
			keep = &rels
		}
		n, err := inflate(f, &sc, keep)
		sc.end()
		switch {
		case errors.Is(err, errPartTooLong):
			return nil, partErr(f.Name, calc.Text{
				Ru: "в распакованном виде больше заявленных %d байт",
				En: "it unpacks to more than the %d bytes it declares",
			}, f.UncompressedSize64)
		case err != nil:
			return nil, partErr(f.Name, calc.Text{Ru: "она не распаковывается (%v)", En: "it cannot be unpacked (%v)"}, err)
		case n < int64(f.UncompressedSize64):
			return nil, partErr(f.Name, calc.Text{
				Ru: "в распакованном виде %d байт, а не заявленные %d",
				En: "it unpacks to %d bytes, not the %d it declares",
			}, n, f.UncompressedSize64)
		}
		if sc.strings && sc.count > lim.sharedStrings {
			return nil, partErr(f.Name, calc.Text{
				Ru: "в ней %d разных текстов, больше допустимых %d",
				En: "it holds %d different texts, more than the %d allowed",
			}, sc.count, lim.sharedStrings)
		}
		if sc.strings && lim.stringBytes > 0 && sc.longest > lim.stringBytes {
			return nil, partErr(f.Name, calc.Text{
				Ru: "один из её текстов занимает %d байт, больше допустимых для ячейки %d",
				En: "one of its texts takes %d bytes, more than the %d a cell may hold",
			}, sc.longest, lim.stringBytes)
		}
		if sc.strings {
			info.stringLens = sc.lens
		}
		if sc.rows {
			partRows[path.Clean(strings.ToLower(f.Name))] = sc.count
		}
	}
	info.parts = sheetParts(workbook, rels)
	for name, target := range info.parts {
		if n, ok := partRows[target]; ok {
			info.rows[name] = n
		}
	}
	return info, nil
}

func partErr(part string, t calc.Text, args ...any) *InputError {
	e := inputErr(t, args...)
	e.En = fmt.Sprintf("workbook part %s: %s", part, e.En)
	e.Ru = fmt.Sprintf("часть книги %s: %s", part, e.Ru)
	return e
}

var errPartTooLong = errors.New("part longer than declared")

// inflate unpacks f from its raw bytes (not through archive/zip, which
// stops at the declared size) into w, and into *keep when not nil; it
// fails when the part is longer than it declares.
func inflate(f *zip.File, w io.Writer, keep *[]byte) (int64, error) {
	raw, err := f.OpenRaw()
	if err != nil {
		return 0, err
	}
	var r io.Reader
	switch f.Method {
	case zip.Store:
		r = raw
	case zip.Deflate:
		fr := flate.NewReader(raw)
		defer fr.Close()
		r = fr
	default:
		return 0, zip.ErrAlgorithm
	}
	if keep != nil {
		var b bytes.Buffer
		w = io.MultiWriter(w, &b)
		defer func() { *keep = b.Bytes() }()
	}
	n, err := io.Copy(w, io.LimitReader(r, int64(f.UncompressedSize64)+1))
	if err != nil {
		return n, err
	}
	if n > int64(f.UncompressedSize64) {
		return n, errPartTooLong
	}
	return n, nil
}

// xmlCounter counts, in XML written to it, the elements named si (shared
// strings), or the row elements that hold a value (<v> or <is>), whatever
// their namespace prefix, without parsing the XML.
type xmlCounter struct {
	rows, strings bool
	count         int

	// longest is the most bytes of XML one shared string (si) takes;
	// lens each one's, when lengths is set.
	longest int64
	lengths bool
	lens    []int32

	inName   bool
	name     []byte
	rowValue bool // the current row has a value
	inRow    bool
	pos      int64 // bytes written before the current Write
	at       int64 // where the current element's name starts
	siStart  int64
}

func (c *xmlCounter) Write(b []byte) (int, error) {
	n := len(b)
	base := c.pos
	c.pos += int64(n)
	for i := 0; i < n; {
		if !c.inName {
			k := bytes.IndexByte(b[i:], '<')
			if k < 0 {
				break
			}
			c.inName, c.name = true, c.name[:0]
			c.at = base + int64(i+k)
			i += k + 1
			continue
		}
		ch := b[i]
		i++
		if ch == ' ' || ch == '>' || (ch == '/' && len(c.name) > 0) || ch == '\t' || ch == '\n' || ch == '\r' {
			c.inName = false
			c.element()
			continue
		}
		if len(c.name) < 16 {
			c.name = append(c.name, ch)
		}
	}
	return n, nil
}

// end counts the row being read, if it has a value.
func (c *xmlCounter) end() {
	if c.inRow && c.rowValue {
		c.count++
	}
	c.inRow = false
}

func (c *xmlCounter) element() {
	local := c.name
	closing := len(local) > 0 && local[0] == '/'
	if closing {
		local = local[1:]
	}
	if i := bytes.LastIndexByte(local, ':'); i >= 0 {
		local = local[i+1:]
	}
	switch string(local) {
	case "si":
		if !c.strings {
			break
		}
		if closing {
			c.longest = max(c.longest, c.at-c.siStart)
			if c.lengths && c.count > 0 {
				c.lens[c.count-1] = int32(min(c.at-c.siStart, 1<<30))
			}
		} else {
			c.count++
			c.siStart = c.at
			if c.lengths {
				c.lens = append(c.lens, 0)
			}
		}
	case "row":
		if !c.rows {
			break
		}
		c.end()
		c.inRow, c.rowValue = !closing, false
	case "v", "is":
		if c.rows && !closing {
			c.rowValue = true
		}
	}
}

// sheetParts maps each sheet's name to its worksheet part (lower case),
// from workbook.xml and its relationships.
func sheetParts(workbook, rels []byte) map[string]string {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rs struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(workbook, &wb) != nil || xml.Unmarshal(rels, &rs) != nil {
		return nil
	}
	target := map[string]string{}
	for _, r := range rs.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = path.Clean(strings.ToLower(t))
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		if t, ok := target[s.ID]; ok {
			out[s.Name] = t
		}
	}
	return out
}

// rowsOf returns the rows with a value of sheet, when known.
func (z *zipInfo) rowsOf(sheet string) (int, bool) {
	if z == nil {
		return 0, false
	}
	n, ok := z.rows[sheet]
	return n, ok
}
