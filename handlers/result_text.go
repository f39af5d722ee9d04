package handlers

import "github.com/eaeu-subsidy/subsidy/calc"

// resultMessages are the texts of the result page's eligibility verdict,
// its payable columns and footnotes, and of the custom programme's rule
// fields on the form (merged into messages by init).
var resultMessages = map[string]calc.Text{
	"res.verdict.ok":            {Ru: "Условия программы выполнены: субсидия выплачивается", En: "The programme's conditions are met: the subsidy is paid"},
	"res.verdict.fail":          {Ru: "Не соответствует условиям программы: субсидия не выплачивается", En: "Not eligible: no subsidy is paid"},
	"res.verdict.fail.lead":     {Ru: "Не выполнены условия программы:", En: "Conditions not met:"},
	"res.verdict.fail.note":     {Ru: "Все суммы к выплате равны 0; ставка и проценты заёмщика — как у кредита без субсидии. Ниже для сравнения показано, сколько программа выплатила бы при выполнении условий.", En: "Every payable amount is 0; the borrower's rate and interest are those of a loan without support. For comparison, the page also shows what the programme would pay if the conditions were met."},
	"res.payable":               {Ru: "Субсидия к выплате, всего", En: "Subsidy payable, total"},
	"res.if_eligible":           {Ru: "Выплатила бы программа при выполнении условий", En: "What the programme would pay if the conditions were met"},
	"res.if_eligible.note":      {Ru: "не выплачивается: условия не выполнены", En: "not paid: the conditions are not met"},
	"col.subsidy_rule":          {Ru: "Субсидия по правилу (до лимита)", En: "Subsidy by the rule (before the cap)"},
	"col.payable":               {Ru: "Субсидия к выплате", En: "Subsidy payable"},
	"col.if_eligible":           {Ru: "Субсидия при выполнении условий (не выплачивается)", En: "Subsidy if the conditions were met (not paid)"},
	"res.years.note":            {Ru: "Год платежа; суммы в валюте кредита", En: "By payment year; amounts in the loan currency"},
	"res.rates_vary.note":       {Ru: "ставки менялись внутри периода: проценты и субсидия рассчитаны по каждой ставке за дни её действия, в таблице — ставки на начало периода (ставка ЦБ — на день, который задаёт программа).", En: "a rate changed inside the period: interest and subsidy use each rate for the days it was in force; the table shows the rates at the period's start (the policy rate on the day the programme fixes it)."},
	"res.rates_vary.mark":       {Ru: "ставка менялась внутри периода", En: "a rate changed inside the period"},
	"res.cap_reached.note":      {Ru: "Выделенные строки: годовой лимит достигнут, субсидия по правилу урезана до лимита.", En: "Highlighted rows: the annual cap was reached and the rule's subsidy was cut to it."},
	"res.shares.ineligible":     {Ru: "Субсидия не выплачивается, поэтому все суммы распределения равны 0.", En: "No subsidy is paid, so every amount of the split is 0."},
	"chart.payable":             {Ru: "Субсидия к выплате за период", En: "Subsidy payable per period"},
	"form.rule":                 {Ru: "Формула ставки субсидии", En: "Subsidy rate rule"},
	"form.rule.hint":            {Ru: "Только для программы «Произвольные параметры». Ставка субсидии = max(0; min(a × ставка ЦБ + b − e × ставка по кредиту; c × ставка по кредиту; ставка по кредиту − минимум)); пустое поле выпадает из формулы. Нужно заполнить хотя бы одно из полей a, b, c или минимум.", En: "For the “Custom parameters” programme only. Subsidy rate = max(0, min(a × policy rate + b − e × loan rate, c × loan rate, loan rate − floor)); an empty field drops out of the rule. Fill in at least one of a, b, c or the floor."},
	"field.rule.base_share":     {Ru: "Доля ставки ЦБ (a)", En: "Share of the policy rate (a)"},
	"hint.rule.base_share":      {Ru: "Доля, не процент: 1 — вся ставка, 0,7 — 70 %. От 0 до 10.", En: "A fraction, not a percentage: 1 is the whole rate, 0.7 is 70%. From 0 to 10."},
	"field.rule.plus_points":    {Ru: "Надбавка к ставке ЦБ (b), п. п.", En: "Points added to the policy rate (b), pp"},
	"hint.rule.plus_points":     {Ru: "Процентные пункты, может быть отрицательной: −3 — ставка ЦБ минус 3 п. п.", En: "Percentage points, may be negative: −3 is the policy rate less 3 pp."},
	"field.rule.minus_loan":     {Ru: "Вычесть ставку по кредиту (e)", En: "Subtract the loan rate (e)"},
	"hint.rule.minus_loan":      {Ru: "«Да»: субсидия покрывает то, на что ставка ЦБ + b превышает ставку по кредиту.", En: "“Yes”: the subsidy covers what the policy rate + b exceeds the loan rate by."},
	"rule.minus_loan.false":     {Ru: "нет", En: "no"},
	"rule.minus_loan.true":      {Ru: "да", En: "yes"},
	"field.rule.loan_share":     {Ru: "Доля ставки по кредиту (c)", En: "Share of the loan rate (c)"},
	"hint.rule.loan_share":      {Ru: "Субсидия не больше c × ставка по кредиту; доля от 0 до 1 (0,4 — 40 %).", En: "The subsidy rate is at most c × the loan rate; a fraction from 0 to 1 (0.4 is 40%)."},
	"field.rule.borrower_floor": {Ru: "Минимальная ставка для заёмщика, % годовых", En: "Borrower's floor rate, % a year"},
	"hint.rule.borrower_floor":  {Ru: "Заёмщик платит не меньше этой ставки: субсидия не больше ставки по кредиту минус это значение.", En: "The borrower pays at least this rate: the subsidy rate is at most the loan rate less this value."},
	"field.rule.base_fixing":    {Ru: "Какая ставка ЦБ берётся", En: "Which policy rate is used"},
	"prog.rule.given":           {Ru: "задаётся в полях «Формула ставки субсидии» ниже (в API — subsidy.rule)", En: "set in the “Subsidy rate rule” fields below (subsidy.rule in the API)"},
	"prog.source.custom":        {Ru: "все параметры задаёт пользователь", En: "every parameter is yours"},
	"err.rule.none":             {Ru: "заполните хотя бы одно из полей: доля ставки ЦБ, надбавка, доля ставки по кредиту или минимальная ставка для заёмщика", En: "fill in at least one of: share of the policy rate, points added, share of the loan rate or the borrower's floor rate"},
}

func init() {
	for k, v := range resultMessages {
		messages[k] = v
	}
}
