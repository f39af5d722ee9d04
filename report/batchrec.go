package report

import "github.com/eaeu-subsidy/subsidy/calc"

// projectRec is what a BatchWriter keeps of one loan until Finish, when
// the Projects sheet is written (its year columns are known only then).
//
// It holds no pointer: its texts are in the writer's text arena, its
// years in the year arena, its programme and currency are indexes into
// the writer's few names, and its figures are kept as the cells show them.
// The garbage collector therefore never scans the records, and a record is
// ~170 bytes. Before (issue 14), a record of strings, decimals and a slice
// of years took ~1 KB of live heap that every collection walked: for
// 100,000 loans, ~100 MB of the batch's 250 MB peak and most of its
// garbage collection time (BenchmarkBatchWriter shows the difference).
type projectRec struct {
	row, term  int32
	issue      calc.Date
	status     uint8 // index of statuses
	hasRate    bool
	programme  uint32 // index of BatchWriter.names
	currency   uint32
	id         textRef
	project    textRef
	note       textRef
	years      span // of BatchWriter.years
	amount     float64
	rate       float64
	grant      float64
	effWithout float64
	effWith    float64
	interest   calc.Money
	subsidy    calc.Money
	paid       calc.Money
	payable    calc.Money
	borrower   calc.Money
	pv         calc.Money
}

// statuses are the values of projectRec.status.
var statuses = [...]string{StatusOK, StatusIneligible, StatusRejected}

const (
	recOK uint8 = iota
	recIneligible
	recRejected
)

// textRef is a text of the arena: BatchWriter.text[off : off+n]. The
// arena holds the cells of at most MaxRows rows (each at most 4 KiB) and
// their notes, far below 4 GiB.
type textRef struct{ off, n uint32 }

// span is a run of the year arena: BatchWriter.years[off : off+n].
type span struct{ off, n uint32 }

type yearPaid struct {
	year    int
	payable calc.Money
}

// addText puts s in the text arena.
func (b *BatchWriter) addText(s string) textRef {
	t := textRef{off: uint32(len(b.text)), n: uint32(len(s))}
	b.text = append(b.text, s...)
	return t
}

// str returns a text of the arena.
func (b *BatchWriter) str(t textRef) string { return string(b.text[t.off : t.off+t.n]) }

// name returns the index of s among the writer's names (programmes and
// currencies: a handful in a batch), adding it when new.
func (b *BatchWriter) name(s string) uint32 {
	i, ok := b.nameIndex[s]
	if !ok {
		i = uint32(len(b.names))
		b.names = append(b.names, s)
		b.nameIndex[s] = i
	}
	return i
}

// yearsOf returns a record's years.
func (b *BatchWriter) yearsOf(p *projectRec) []yearPaid {
	return b.years[p.years.off : p.years.off+p.years.n]
}
