package report

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// projectRec is what a BatchWriter keeps of one loan until Finish, when
// the Projects sheet is written (its year columns are known only then):
// its cells, the figures as the cells show them.
//
// The records are not kept in memory but appended to a temporary file
// (recordFile) and read back at Finish. Before (issue 14), a record of
// strings, decimals and a slice of years took ~1 KB of live heap that every
// garbage collection walked: for 100,000 loans ~100 MB of the batch's
// 250 MB peak, and twice that for a job writing both languages, which the
// service's --gc-percent 400 let grow fivefold. On disk a record takes
// ~240 bytes and the writer's memory no longer grows with the loans
// (BenchmarkBatchWriter's live-B/loan: 475 before, under 10 now); writing
// and reading the file back costs ~2 % of a batch's CPU time.
type projectRec struct {
	row, term           int
	issue               calc.Date
	status              string
	hasRate             bool
	id, project         string
	programme, currency string
	note                string
	amount, rate, grant float64
	effWithout, effWith float64
	interest, subsidy   calc.Money
	paid, payable       calc.Money
	borrower, pv        calc.Money
	years               []yearPaid // eligible loans: the payable subsidy of each year
}

type yearPaid struct {
	year    int
	payable calc.Money
}

// recordFile is the temporary file of a writer's records: appended to
// while the loans arrive, read once at Finish.
type recordFile struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte // the record being encoded
	n   int    // records written
}

func newRecordFile(dir string) (*recordFile, error) {
	f, err := os.CreateTemp(dir, "subsidy-projects-")
	if err != nil {
		return nil, err
	}
	return &recordFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// add appends p: integers as varints, floats as their bits, texts as
// their length and bytes, the years as their count and pairs.
func (rf *recordFile) add(p *projectRec) error {
	b := rf.buf[:0]
	for _, v := range [...]int64{int64(p.row), int64(p.term), int64(p.issue),
		int64(p.interest), int64(p.subsidy), int64(p.paid), int64(p.payable), int64(p.borrower), int64(p.pv)} {
		b = binary.AppendVarint(b, v)
	}
	for _, v := range [...]float64{p.amount, p.rate, p.grant, p.effWithout, p.effWith} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	hasRate := byte(0)
	if p.hasRate {
		hasRate = 1
	}
	b = append(b, hasRate)
	for _, s := range [...]string{p.status, p.id, p.project, p.programme, p.currency, p.note} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, int64(len(p.years)))
	for _, y := range p.years {
		b = binary.AppendVarint(b, int64(y.year))
		b = binary.AppendVarint(b, int64(y.payable))
	}
	rf.buf = b
	rf.n++
	_, err := rf.w.Write(b)
	return err
}

// records returns a reader of the records from the first, once every
// record is added.
func (rf *recordFile) records() (*recordReader, error) {
	if err := rf.w.Flush(); err != nil {
		return nil, err
	}
	if _, err := rf.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &recordReader{r: bufio.NewReaderSize(rf.f, 64<<10), left: rf.n}, nil
}

// close removes the file.
func (rf *recordFile) close() error {
	err := rf.f.Close()
	if rerr := os.Remove(rf.f.Name()); err == nil && !errors.Is(rerr, os.ErrNotExist) {
		err = rerr
	}
	return err
}

// recordReader decodes the records of a recordFile in order.
type recordReader struct {
	r    *bufio.Reader
	left int
	err  error
}

// next decodes the next record into p (its years reuse p.years); it
// reports false after the last one or on an error (r.err).
func (r *recordReader) next(p *projectRec) bool {
	if r.left == 0 || r.err != nil {
		return false
	}
	r.left--
	var ints [9]int64
	for i := range ints {
		ints[i] = r.int()
	}
	p.row, p.term, p.issue = int(ints[0]), int(ints[1]), calc.Date(ints[2])
	p.interest, p.subsidy, p.paid, p.payable, p.borrower, p.pv = calc.Money(ints[3]), calc.Money(ints[4]),
		calc.Money(ints[5]), calc.Money(ints[6]), calc.Money(ints[7]), calc.Money(ints[8])
	for _, f := range [...]*float64{&p.amount, &p.rate, &p.grant, &p.effWithout, &p.effWith} {
		var b [8]byte
		r.read(b[:])
		*f = math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
	}
	var hasRate [1]byte
	r.read(hasRate[:])
	p.hasRate = hasRate[0] == 1
	for _, s := range [...]*string{&p.status, &p.id, &p.project, &p.programme, &p.currency, &p.note} {
		*s = r.text()
	}
	n := r.int()
	p.years = p.years[:0]
	for range max(n, 0) {
		p.years = append(p.years, yearPaid{year: int(r.int()), payable: calc.Money(r.int())})
	}
	return r.err == nil
}

func (r *recordReader) int() int64 {
	v, err := binary.ReadVarint(r.r)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("report: reading back the projects: %w", err)
	}
	return v
}

func (r *recordReader) read(b []byte) {
	if _, err := io.ReadFull(r.r, b); err != nil && r.err == nil {
		r.err = fmt.Errorf("report: reading back the projects: %w", err)
	}
}

func (r *recordReader) text() string {
	n, err := binary.ReadUvarint(r.r)
	if err != nil || n > 1<<30 {
		if r.err == nil {
			r.err = fmt.Errorf("report: reading back the projects: bad text length %d (%v)", n, err)
		}
		return ""
	}
	b := make([]byte, n)
	r.read(b)
	return string(b)
}
