// Package calc computes interest-rate subsidies for loans under the EAEU joint
// industrial cooperation programme and the national and Union State programmes
// that work the same way.
//
// It is pure domain code: no HTTP, no files, no spreadsheets. Every entry point
// of the service (JSON API, web form, batch rows, command line) builds a
// [Request] and calls [Calculate], which validates it, builds the repayment
// schedule, accrues interest and subsidy, applies the subsidy window and the
// annual cap, splits the paid subsidy among member states and participants and
// runs the programme's checks.
//
// Units, everywhere in this package:
//   - Rates and shares are percentages as [decimal.Decimal] ("18.5" is 18.5 %).
//   - Money is [Money]: an exact integer count of the currency's minor unit
//     (kopecks, tiyn, luma, tyiyn, lumas): two decimal places for every
//     currency the programmes use. Conversions to and from decimal are exact.
//   - Dates are [Date]: civil calendar days with no time zone.
//
// Rounding: interest and subsidy are rounded half away from zero to the minor
// unit once per period; annuity payments and equal principal parts half up;
// cap conversions and partial payments down. Splits use the largest-remainder
// method so that parts always add up to the whole.
//
// Texts: every user-visible message of the project, here and in the other
// packages, is a [Text] (Russian and English, Text.In(lang) picks one); see
// [Text] for how to add one.
package calc
