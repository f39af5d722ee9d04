package calc

import (
	"crypto/sha256"
	"encoding/hex"
)

// Hash identifies the figures of the book: the SHA-256, in hex, of every
// country's rows (country, effective date, rate or GAP) in order. Sources,
// confidence marks and check dates do not enter it, so a book whose
// numbers are the same has the same hash. The registry stores it with each
// record so that a later change of the record can be seen.
func (b *RateBook) Hash() string {
	h := sha256.New()
	var line []byte
	for _, c := range b.Countries() {
		for _, r := range b.Rows(c) {
			line = append(line[:0], r.Country...)
			line = append(line, ',')
			line = r.Effective.AppendISO(line)
			line = append(line, ',')
			if r.Rate == nil {
				line = append(line, "GAP"...)
			} else {
				line = append(line, r.Rate.String()...)
			}
			line = append(line, '\n')
			h.Write(line)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
