package calc

import "slices"

// The codes a request may use, for pages, templates and readers that offer
// or check them: one list each, here, in the order the pages show them.
// Each function returns a new slice.

// Repayments lists Loan.Repayment's codes: annuity (the default),
// equal_principal, bullet.
func Repayments() []string { return slices.Clone(repayments) }

// Frequencies lists Loan.Frequency's codes: monthly (the default),
// quarterly, semiannual, annual.
func Frequencies() []string { return slices.Clone(freqNames) }

// DayCounts lists Loan.DayCount's codes: act/act (the default), act/365,
// act/360, 30/360 (European 30E/360).
func DayCounts() []string { return slices.Clone(dayCounts) }

// BaseFixings lists the codes of the rule's policy-rate fixing: daily (the
// default), period_start, payment_date.
func BaseFixings() []string { return slices.Clone(fixings) }
