package report

import (
	"io"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// WriteCalculationRows is WriteCalculation with at most rows schedule rows
// on a sheet, to see the spill onto "Schedule (2)" without a million rows.
func WriteCalculationRows(w io.Writer, req *calc.Request, res *calc.Result, lang string, rows int) error {
	return writeCalculation(w, req, res, lang, rows)
}
