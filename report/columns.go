package report

import (
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Kinds of input column: how a cell is read.
const (
	KindText         = "text"         // any text
	KindCode         = "code"         // one of Values (drop-down in the template)
	KindMoney        = "money"        // a number with at most two decimals
	KindNumber       = "number"       // a decimal number
	KindInteger      = "integer"      // a whole number
	KindDate         = "date"         // ISO, dd.mm.yyyy or a spreadsheet date
	KindParticipants = "participants" // COUNTRY:SHARE;COUNTRY:SHARE…
)

// Column is one column of the batch input (API.md "Batch runs"). A header
// cell names it by Key alone or by a label with the key in parentheses:
// "Сумма кредита (amount)".
type Column struct {
	Key string `json:"key"`
	// Ru and En are the labels of the template's header.
	Ru string `json:"ru"`
	En string `json:"en"`
	// Required columns must be in the file and filled in on every row
	// (programme may instead come with the upload).
	Required bool   `json:"required"`
	Kind     string `json:"kind"`
	// Values are the allowed codes of a KindCode column.
	Values []string `json:"values,omitempty"`
	// Example is the value of the template's example row.
	Example string `json:"example"`
	// HelpRu and HelpEn say what to type, for the instructions sheet.
	HelpRu string `json:"help_ru"`
	HelpEn string `json:"help_en"`

	width float64
}

// Label returns the header of the column in lang: "Сумма кредита (amount)".
func (c Column) Label(lang string) string {
	return calc.Text{Ru: c.Ru, En: c.En}.In(Lang(lang)) + " (" + c.Key + ")"
}

// Header returns the template's header of the column in both languages,
// lang's first: "Сумма кредита / Loan amount (amount)". The reader takes
// the key in parentheses, so either language (or the key alone) works.
func (c Column) Header(lang string) string {
	if Lang(lang) == "en" {
		return c.En + " / " + c.Ru + " (" + c.Key + ")"
	}
	return c.Ru + " / " + c.En + " (" + c.Key + ")"
}

// Keys of the input columns.
const (
	ColID              = "id"
	ColProject         = "project"
	ColParticipants    = "participants"
	ColProgramme       = "programme"
	ColAmount          = "amount"
	ColCurrency        = "currency"
	ColRate            = "rate"
	ColIssueDate       = "issue_date"
	ColTermMonths      = "term_months"
	ColRepayment       = "repayment"
	ColFrequency       = "frequency"
	ColGraceMonths     = "grace_months"
	ColDayCount        = "day_count"
	ColSubsidyStart    = "subsidy_start"
	ColSubsidyEnd      = "subsidy_end"
	ColCapFX           = "cap_fx"
	ColApplicationDate = "application_date"
)

// The template's drop-down lists are calc's codes, in calc's order.
var (
	repayments  = calc.Repayments()
	frequencies = calc.Frequencies()
	dayCounts   = calc.DayCounts()
)

var columns = []Column{
	{Key: ColID, Ru: "Номер кредита", En: "Loan reference", Required: true, Kind: KindText, Example: "KD-2025-001", width: 16,
		HelpRu: "Обязательно. Ваш номер кредита, уникальный в файле: по нему кредит найдётся в отчёте.",
		HelpEn: "Required. Your reference of the loan, unique in the file: the report lists the loan by it."},
	{Key: ColProject, Ru: "Проект", En: "Project", Kind: KindText, Example: "Комплектующие для электробусов", width: 28,
		HelpRu: "Название проекта.", HelpEn: "Name of the project."},
	{Key: ColParticipants, Ru: "Участники", En: "Participants", Kind: KindParticipants, Example: "BY:40;RU:35;KZ:25", width: 22,
		HelpRu: "Государства участников и их доли в процентах: BY:40;RU:35;KZ:25 (коды AM BY KZ KG RU, сумма долей 100).",
		HelpEn: "Participants' countries and shares in percent: BY:40;RU:35;KZ:25 (codes AM BY KZ KG RU, shares add up to 100)."},
	{Key: ColProgramme, Ru: "Программа", En: "Programme", Required: true, Kind: KindCode, Values: calc.ProgrammeIDs(), Example: "eaeu-industrial", width: 20,
		HelpRu: "Обязательно, если программа не выбрана при загрузке. Код программы из списка.",
		HelpEn: "Required unless chosen for the whole upload. The programme's code, from the list."},
	{Key: ColAmount, Ru: "Сумма кредита", En: "Loan amount", Required: true, Kind: KindMoney, Example: "1000000000.00", width: 18,
		HelpRu: "Обязательно. Сумма в валюте кредита, не более двух знаков после запятой; можно с пробелами между разрядами и десятичной запятой: 1 000 000,50.",
		HelpEn: "Required. Amount in the loan currency, at most two decimals; spaces between thousands and a decimal comma are fine: 1 000 000,50."},
	{Key: ColCurrency, Ru: "Валюта", En: "Currency", Required: true, Kind: KindCode, Values: calc.Currencies, Example: "RUB", width: 10,
		HelpRu: "Обязательно. Код валюты ISO 4217: AMD BYN KZT KGS RUB.", HelpEn: "Required. ISO 4217 code: AMD BYN KZT KGS RUB."},
	{Key: ColRate, Ru: "Ставка, % годовых", En: "Rate, % a year", Required: true, Kind: KindNumber, Example: "24.5", width: 12,
		HelpRu: "Обязательно. Ставка по кредиту в процентах годовых числом: 24,5 (не ячейка в формате «процент», где 24,5 % хранится как 0,245).",
		HelpEn: "Required. Contract rate in percent a year as a number: 24.5 (not a percent-formatted cell, which stores 24.5 % as 0.245)."},
	{Key: ColIssueDate, Ru: "Дата выдачи", En: "Issue date", Required: true, Kind: KindDate, Example: "2025-03-14", width: 12,
		HelpRu: "Обязательно. Дата: ячейка-дата, 14.03.2025 или 2025-03-14.", HelpEn: "Required. A date cell, 14.03.2025 or 2025-03-14."},
	{Key: ColTermMonths, Ru: "Срок, месяцев", En: "Term, months", Required: true, Kind: KindInteger, Example: "60", width: 10,
		HelpRu: "Обязательно. Срок кредита в месяцах, целое число периодов платежей.", HelpEn: "Required. Term in months, a whole number of payment periods."},
	{Key: ColRepayment, Ru: "Погашение", En: "Repayment", Kind: KindCode, Values: repayments, Example: "annuity", width: 16,
		HelpRu: "annuity — аннуитет (по умолчанию), equal_principal — равными долями, bullet — в конце срока.",
		HelpEn: "annuity (the default), equal_principal or bullet."},
	{Key: ColFrequency, Ru: "Периодичность", En: "Frequency", Kind: KindCode, Values: frequencies, Example: "monthly", width: 12,
		HelpRu: "monthly (по умолчанию), quarterly, semiannual, annual.", HelpEn: "monthly (the default), quarterly, semiannual, annual."},
	{Key: ColGraceMonths, Ru: "Льготный период, месяцев", En: "Grace, months", Kind: KindInteger, Example: "12", width: 10,
		HelpRu: "Месяцы без погашения основного долга в начале (проценты платятся). По умолчанию 0.",
		HelpEn: "Principal-free months at the start (interest is paid). Default 0."},
	{Key: ColDayCount, Ru: "Расчётная база", En: "Day count", Kind: KindCode, Values: dayCounts, Example: "act/act", width: 10,
		HelpRu: "act/act (по умолчанию), act/365, act/360, 30/360.", HelpEn: "act/act (the default), act/365, act/360, 30/360."},
	{Key: ColSubsidyStart, Ru: "Начало субсидии", En: "Subsidy start", Kind: KindDate, width: 12,
		HelpRu: "Первый день субсидирования. По умолчанию — дата выдачи.", HelpEn: "First day of the subsidy. Default: the issue date."},
	{Key: ColSubsidyEnd, Ru: "Конец субсидии", En: "Subsidy end", Kind: KindDate, width: 12,
		HelpRu: "День окончания субсидирования (не включается). По умолчанию — по сроку программы.",
		HelpEn: "Day the subsidy ends (not included). Default: the programme's maximum term."},
	{Key: ColCapFX, Ru: "Курс для лимита", En: "FX rate for the cap", Kind: KindNumber, width: 12,
		HelpRu: "Для кредита не в валюте лимита: единиц валюты лимита за единицу валюты кредита (для кредита в тенге при лимите в рублях 0,18).",
		HelpEn: "For a loan not in the cap's currency: units of the cap currency for one unit of the loan currency (0.18 for a tenge loan under a rouble cap)."},
	{Key: ColApplicationDate, Ru: "Дата заявки", En: "Application date", Kind: KindDate, Example: "2025-02-20", width: 12,
		HelpRu: "Дата подачи заявки: порядок распределения бюджета «в порядке очереди» (first_come); без даты — порядок строк.",
		HelpEn: "Date of the application: the order of a first_come budget allocation; without it, the row order."},
}

// Columns returns the columns of the batch input, in the template's order.
func Columns() []Column {
	out := make([]Column, len(columns))
	copy(out, columns)
	return out
}

var columnByKey = func() map[string]*Column {
	m := make(map[string]*Column, len(columns))
	for i := range columns {
		m[columns[i].Key] = &columns[i]
	}
	return m
}()

// headerKey returns the key a header cell names: the bare key, a label with
// the key in parentheses ("Сумма кредита (amount)"), or a template label
// alone. ok is false for an unknown column.
func headerKey(h string) (string, bool) {
	h = strings.Join(strings.Fields(h), " ")
	low := strings.ToLower(h)
	if _, ok := columnByKey[low]; ok {
		return low, true
	}
	if strings.HasSuffix(low, ")") {
		if i := strings.LastIndexByte(low, '('); i >= 0 {
			k := strings.TrimSpace(low[i+1 : len(low)-1])
			if _, ok := columnByKey[k]; ok {
				return k, true
			}
		}
	}
	for _, c := range columns {
		if strings.EqualFold(h, c.Ru) || strings.EqualFold(h, c.En) {
			return c.Key, true
		}
	}
	return "", false
}

// fieldColumn maps a calc field path ("loan.amount",
// "project.participants[1].share") to the input column it comes from.
func fieldColumn(field string) string {
	prefixes := []struct{ path, col string }{
		{"loan.amount", ColAmount}, {"loan.currency", ColCurrency}, {"loan.rate", ColRate},
		{"loan.issue_date", ColIssueDate}, {"loan.term_months", ColTermMonths},
		{"loan.repayment", ColRepayment}, {"loan.frequency", ColFrequency},
		{"loan.grace_months", ColGraceMonths}, {"loan.day_count", ColDayCount},
		{"subsidy.start", ColSubsidyStart}, {"subsidy.end", ColSubsidyEnd},
		{"subsidy.fx", ColCapFX}, {"subsidy.programme", ColProgramme},
		{"project.participants", ColParticipants}, {"project.name", ColProject},
		{"project", ColParticipants},
	}
	for _, p := range prefixes {
		if field == p.path || strings.HasPrefix(field, p.path+".") || strings.HasPrefix(field, p.path+"[") {
			return p.col
		}
	}
	return field
}

// FieldColumn returns the batch input column that a calc field path comes
// from ("loan.amount" is "amount"), or the path itself when no column
// gives the field.
func FieldColumn(field string) string { return fieldColumn(field) }
