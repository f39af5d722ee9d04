package calc

import "github.com/shopspring/decimal"

// PolicyRate is one row of a central bank's rate history: the rate in force
// from Effective until the next row of the same country. A nil Rate is a gap:
// the rate is unknown from Effective on.
type PolicyRate struct {
	Country    string           `json:"country"`
	Effective  Date             `json:"effective_date"`
	Rate       *decimal.Decimal `json:"rate"`
	Decision   *Date            `json:"decision_date,omitempty"`
	Confidence string           `json:"confidence"`
	Sources    []string         `json:"sources"`
	// Checked is the date the row was last taken from its record.
	Checked *Date `json:"checked,omitempty"`
}

// RateSegment is a run of days [Start, End) with one policy rate. Assumed
// is true when the rate is not known for these days and the nearest known
// value is held instead.
type RateSegment struct {
	Start   Date
	End     Date
	Rate    decimal.Decimal
	Assumed bool
}
