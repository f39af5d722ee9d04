package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// utf8BOM lets spreadsheet programs recognise UTF-8 (Cyrillic headers)
// when they open a CSV file.
const utf8BOM = "\uFEFF"

// CSVText makes user text safe for a CSV cell: text starting with a
// character a spreadsheet program would run as a formula (=, +, -, @, a tab
// or a carriage return) gets a leading apostrophe, so "=HYPERLINK(…)" as a
// project name is shown as text and never executes. Numbers the program
// writes itself (a negative amount) are not user text and are not escaped.
func CSVText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// plainHeader are the headers of the schedule's formula columns without
// the formula the workbook spells out.
var plainHeader = map[int]text{
	scPayment:          {"Платёж", "Payment"},
	scClosing:          {"Остаток на конец", "Closing balance"},
	scBorrowerInterest: {"Проценты заёмщика", "Borrower interest"},
	scBorrowerPayment:  {"Платёж заёмщика", "Borrower payment"},
}

// WriteScheduleCSV writes the schedule of res as CSV (RFC 4180: comma
// separated, "." as the decimal point, UTF-8 with a byte order mark so that
// Excel reads Cyrillic headers), one row per period, headers in lang. Money
// has two decimals and no thousands separators, rates are percent a year
// ("24.5"), dates ISO (2025-03-14).
func WriteScheduleCSV(w io.Writer, res *calc.Result, lang string) error {
	lang = Lang(lang)
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, scColumns+1)
	for i, h := range scheduleHeader {
		if plain, ok := plainHeader[i+1]; ok {
			h = plain
		}
		header[i] = h.in(lang)
		if isMoneyColumn(i + 1) {
			header[i] += ", " + res.Currency
		}
	}
	header[scColumns] = text{"Валюта", "Currency"}.in(lang)
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, scColumns+1)
	for i := range res.Schedule {
		p := &res.Schedule[i]
		row[scN-1] = strconv.Itoa(p.N)
		row[scStart-1] = p.Start.String()
		row[scEnd-1] = p.End.String()
		row[scDays-1] = strconv.Itoa(p.Days)
		row[scOpening-1] = p.OpeningBalance.String()
		row[scDrawdown-1] = p.Drawdown.String()
		row[scInterest-1] = p.Interest.String()
		row[scPrincipal-1] = p.Principal.String()
		row[scPayment-1] = p.Payment.String()
		row[scClosing-1] = p.ClosingBalance.String()
		row[scContractRate-1] = p.ContractRate.String()
		row[scBaseRate-1] = p.BaseRate.String()
		row[scSubsidyRate-1] = p.SubsidyRate.String()
		row[scSubsidy-1] = p.Subsidy.String()
		row[scSubsidyPaid-1] = p.SubsidyPaid.String()
		row[scBorrowerInterest-1] = p.BorrowerInterest.String()
		row[scBorrowerPayment-1] = p.BorrowerPayment.String()
		row[scRatesVary-1] = ""
		if p.RatesVary {
			row[scRatesVary-1] = yesNo(true, lang)
		}
		row[scColumns] = CSVText(res.Currency)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
