// Package report turns calculations into files people open in a spreadsheet
// program, and reads the spreadsheets they send back.
//
// It is an adapter around package calc: it never computes a subsidy itself.
// Encoders write to an io.Writer:
//   - [WriteCalculation]: the workbook of one calculation (Summary, Schedule,
//     Years, Budget shares, Chart) with live formulas that recompute the
//     schedule's arithmetic;
//   - [WriteScheduleCSV]: the schedule as CSV;
//   - [WriteTemplate] and [WriteTemplateCSV]: the batch input template;
//   - [BatchWriter]: the report workbook of a batch run.
//
// [ReadLoans] reads a batch input file (xlsx or CSV) row by row and decodes
// each row into a [calc.Request]; it validates only the form of the cells
// (numbers, dates, codes), never the loan: that is calc's job.
//
// Units in workbooks: money is written as a number of the loan currency with
// two decimals (format #,##0.00, shown with the reader's thousands
// separator), rates and shares as fractions formatted as percent (24.5 % is
// the number 0.245), dates as spreadsheet date serials formatted as dates.
// Every text a user typed is written as a string cell, never as a formula.
package report
