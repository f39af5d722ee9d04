package report

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// csvScanner splits a CSV file into records the way LibreOffice Calc and
// Excel do, not as encoding/csv does:
//
//   - A field that starts with a quote is quoted only when a closing quote
//     is followed by the separator, a line break or the end of the file
//     ("" inside is one quote). Otherwise — `"Ромашка" ООО`, or a quote that
//     is never closed — the field is plain text up to the next separator,
//     quotes included, and the line ends where it ends. encoding/csv with
//     LazyQuotes instead reads on to the next `";`, so one such cell
//     swallowed every following line of the file.
//   - A quote inside an unquoted field is text.
//   - Lines end with LF, CR LF or a lone CR (old Mac files).
//   - A properly quoted field may hold line breaks; its record then spans
//     several lines and is numbered by its first. Unlike the spreadsheet
//     programs, a quoted field that spans lines and also holds the
//     separator is taken as a quote left open (`A1;"Ромашка ООО;…` with a
//     stray `…";` on a later line): its quote is text, and every line stays
//     a row of its own, rejected if its cells do not read, never merged
//     into the row above.
//
// Separators and quotes are ASCII, and neither UTF-8 nor Windows-1251 uses
// ASCII bytes inside a character, so the scanner works on bytes and decodes
// each field afterwards.
type csvScanner struct {
	r    io.Reader
	buf  []byte
	off  int // buf[off:] is unread
	eof  bool
	rerr error
	sep  byte
	cp   bool // fields are Windows-1251
	line int  // number of the physical line at buf[off], from 1
	// fields is reused between records.
	fields []string
}

// maxRecordBytes bounds one record: a longer one (a binary file with few
// line breaks, or a quoted field over many lines) is rejected as a line,
// not read into memory.
const maxRecordBytes = 1 << 20

// errLongLine is a record over maxRecordBytes.
var errLongLine = errors.New("line too long")

func newCSVScanner(r io.Reader, sep byte, cp1251 bool) *csvScanner {
	return &csvScanner{r: r, sep: sep, cp: cp1251, line: 1, buf: make([]byte, 0, 64<<10)}
}

// at returns the byte i bytes past the unread position, reading more of
// the file as needed; ok is false at the end of the file.
func (s *csvScanner) at(i int) (byte, bool) {
	for s.off+i >= len(s.buf) {
		if s.eof {
			return 0, false
		}
		s.fill()
	}
	return s.buf[s.off+i], true
}

func (s *csvScanner) fill() {
	if s.off > 0 {
		n := copy(s.buf, s.buf[s.off:])
		s.buf = s.buf[:n]
		s.off = 0
	}
	if cap(s.buf)-len(s.buf) < 32<<10 {
		nb := make([]byte, len(s.buf), 2*cap(s.buf)+64<<10)
		copy(nb, s.buf)
		s.buf = nb
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		s.eof = true
		if err != io.EOF {
			s.rerr = err
		}
	}
}

// skipBOM drops a UTF-8 byte order mark at the start.
func (s *csvScanner) skipBOM() {
	a, _ := s.at(0)
	b, _ := s.at(1)
	c, ok := s.at(2)
	if ok && a == 0xEF && b == 0xBB && c == 0xBF {
		s.off += 3
	}
}

// isEOL reports whether c ends a line.
func isEOL(c byte) bool { return c == '\n' || c == '\r' }

// next returns the fields of the next record and the number of the line
// it starts on; io.EOF after the last one. A blank line is a record of one
// empty field. A record over maxRecordBytes gives errLongLine with its
// line number; the scanner then goes on at the next line.
func (s *csvScanner) next() ([]string, int, error) {
	line := s.line
	if _, ok := s.at(0); !ok {
		if s.rerr != nil {
			return nil, line, s.rerr
		}
		return nil, line, io.EOF
	}
	s.fields = s.fields[:0]
	i, breaks := 0, 0
	var val []byte
	for {
		if i > maxRecordBytes {
			s.skipLine(i)
			return nil, line, errLongLine
		}
		c, ok := s.at(i)
		quoted := false
		if ok && c == '"' {
			// Try a quoted field; fall back to plain text when it does not
			// close properly.
			val = val[:0]
			nl, seps := 0, 0
			j := i + 1
			for j-i <= maxRecordBytes {
				c, ok := s.at(j)
				if !ok {
					break // never closed
				}
				if c == '"' {
					c2, ok2 := s.at(j + 1)
					if ok2 && c2 == '"' {
						val = append(val, '"')
						j += 2
						continue
					}
					if !ok2 || c2 == s.sep || isEOL(c2) {
						quoted = true
						j++
					}
					break
				}
				if c == s.sep {
					seps++
				}
				if c == '\n' {
					nl++
				} else if c == '\r' {
					if c2, _ := s.at(j + 1); c2 != '\n' {
						nl++
					}
				}
				val = append(val, c)
				j++
			}
			if quoted && nl > 0 && seps > 0 {
				// A cell over several lines that holds separators is a
				// quote left open: the lines it would swallow are rows of
				// their own. Its quote is text, as when it never closes.
				quoted = false
			}
			if quoted {
				s.fields = append(s.fields, s.decode(val))
				i = j
				breaks += nl
			}
		}
		if !quoted {
			j := i
			for j-i <= maxRecordBytes {
				c, ok := s.at(j)
				if !ok || c == s.sep || isEOL(c) {
					break
				}
				j++
			}
			s.fields = append(s.fields, s.decode(s.buf[s.off+i:s.off+j]))
			i = j
		}
		c, ok = s.at(i)
		switch {
		case !ok:
			s.off += i
			s.line += breaks + 1
			return s.fields, line, nil
		case c == s.sep:
			i++
			continue
		case c == '\r':
			i++
			if c2, ok := s.at(i); ok && c2 == '\n' {
				i++
			}
		case c == '\n':
			i++
		default:
			// Only reached when a field hit maxRecordBytes.
			continue
		}
		s.off += i
		s.line += breaks + 1
		return s.fields, line, nil
	}
}

// skipLine drops the rest of the physical line that the record at the
// unread position starts on, at least i bytes.
func (s *csvScanner) skipLine(i int) {
	for {
		c, ok := s.at(i)
		if !ok {
			s.off += i
			s.line++
			return
		}
		i++
		if c == '\n' || (c == '\r' && func() bool { c2, _ := s.at(i); return c2 != '\n' }()) {
			s.off += i
			s.line++
			return
		}
		if i > 4*maxRecordBytes {
			// Keep the buffer small on a file without line breaks.
			s.off += i
			i = 0
		}
	}
}

// decode turns a field's bytes into a string: as is when UTF-8, else from
// Windows-1251.
func (s *csvScanner) decode(b []byte) string {
	if !s.cp {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
			continue
		}
		sb.WriteRune(charmap.Windows1251.DecodeByte(c))
	}
	return sb.String()
}
