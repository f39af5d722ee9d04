package handlers

// resultMessages are the texts of the result page's eligibility verdict,
// its payable columns and footnotes, and of the custom programme's rule
// fields on the form (merged into messages by init).
var resultMessages = map[string][2]string{
	"res.verdict.ok":            {"Условия программы выполнены: субсидия выплачивается", "The programme's conditions are met: the subsidy is paid"},
	"res.verdict.fail":          {"Не соответствует условиям программы: субсидия не выплачивается", "Not eligible: no subsidy is paid"},
	"res.verdict.fail.lead":     {"Не выполнены условия программы:", "Conditions not met:"},
	"res.verdict.fail.note":     {"Все суммы к выплате равны 0; ставка и проценты заёмщика — как у кредита без субсидии. Ниже для сравнения показано, сколько программа выплатила бы при выполнении условий.", "Every payable amount is 0; the borrower's rate and interest are those of a loan without support. For comparison, the page also shows what the programme would pay if the conditions were met."},
	"res.payable":               {"Субсидия к выплате, всего", "Subsidy payable, total"},
	"res.if_eligible":           {"Выплатила бы программа при выполнении условий", "What the programme would pay if the conditions were met"},
	"res.if_eligible.note":      {"не выплачивается: условия не выполнены", "not paid: the conditions are not met"},
	"col.subsidy_rule":          {"Субсидия по правилу (до лимита)", "Subsidy by the rule (before the cap)"},
	"col.payable":               {"Субсидия к выплате", "Subsidy payable"},
	"col.if_eligible":           {"Субсидия при выполнении условий (не выплачивается)", "Subsidy if the conditions were met (not paid)"},
	"res.years.note":            {"Год платежа; суммы в валюте кредита", "By payment year; amounts in the loan currency"},
	"res.rates_vary.note":       {"ставки менялись внутри периода: проценты и субсидия рассчитаны по каждой ставке за дни её действия, в таблице — ставки на начало периода (ставка ЦБ — на день, который задаёт программа).", "a rate changed inside the period: interest and subsidy use each rate for the days it was in force; the table shows the rates at the period's start (the policy rate on the day the programme fixes it)."},
	"res.rates_vary.mark":       {"ставка менялась внутри периода", "a rate changed inside the period"},
	"res.cap_reached.note":      {"Выделенные строки: годовой лимит достигнут, субсидия по правилу урезана до лимита.", "Highlighted rows: the annual cap was reached and the rule's subsidy was cut to it."},
	"res.shares.ineligible":     {"Субсидия не выплачивается, поэтому все суммы распределения равны 0.", "No subsidy is paid, so every amount of the split is 0."},
	"chart.payable":             {"Субсидия к выплате за период", "Subsidy payable per period"},
	"form.rule":                 {"Формула ставки субсидии", "Subsidy rate rule"},
	"form.rule.hint":            {"Только для программы «Произвольные параметры». Ставка субсидии = max(0; min(a × ставка ЦБ + b − e × ставка по кредиту; c × ставка по кредиту; ставка по кредиту − минимум)); пустое поле выпадает из формулы. Нужно заполнить хотя бы одно из полей a, b, c или минимум.", "For the “Custom parameters” programme only. Subsidy rate = max(0, min(a × policy rate + b − e × loan rate, c × loan rate, loan rate − floor)); an empty field drops out of the rule. Fill in at least one of a, b, c or the floor."},
	"field.rule.base_share":     {"Доля ставки ЦБ (a)", "Share of the policy rate (a)"},
	"hint.rule.base_share":      {"Доля, не процент: 1 — вся ставка, 0,7 — 70 %. От 0 до 10.", "A fraction, not a percentage: 1 is the whole rate, 0.7 is 70%. From 0 to 10."},
	"field.rule.plus_points":    {"Надбавка к ставке ЦБ (b), п. п.", "Points added to the policy rate (b), pp"},
	"hint.rule.plus_points":     {"Процентные пункты, может быть отрицательной: −3 — ставка ЦБ минус 3 п. п.", "Percentage points, may be negative: −3 is the policy rate less 3 pp."},
	"field.rule.minus_loan":     {"Вычесть ставку по кредиту (e)", "Subtract the loan rate (e)"},
	"hint.rule.minus_loan":      {"«Да»: субсидия покрывает то, на что ставка ЦБ + b превышает ставку по кредиту.", "“Yes”: the subsidy covers what the policy rate + b exceeds the loan rate by."},
	"rule.minus_loan.false":     {"нет", "no"},
	"rule.minus_loan.true":      {"да", "yes"},
	"field.rule.loan_share":     {"Доля ставки по кредиту (c)", "Share of the loan rate (c)"},
	"hint.rule.loan_share":      {"Субсидия не больше c × ставка по кредиту; доля от 0 до 1 (0,4 — 40 %).", "The subsidy rate is at most c × the loan rate; a fraction from 0 to 1 (0.4 is 40%)."},
	"field.rule.borrower_floor": {"Минимальная ставка для заёмщика, % годовых", "Borrower's floor rate, % a year"},
	"hint.rule.borrower_floor":  {"Заёмщик платит не меньше этой ставки: субсидия не больше ставки по кредиту минус это значение.", "The borrower pays at least this rate: the subsidy rate is at most the loan rate less this value."},
	"field.rule.base_fixing":    {"Какая ставка ЦБ берётся", "Which policy rate is used"},
	"prog.rule.given":           {"задаётся в полях «Формула ставки субсидии» ниже (в API — subsidy.rule)", "set in the “Subsidy rate rule” fields below (subsidy.rule in the API)"},
	"prog.source.custom":        {"все параметры задаёт пользователь", "every parameter is yours"},
	"err.rule.none":             {"заполните хотя бы одно из полей: доля ставки ЦБ, надбавка, доля ставки по кредиту или минимальная ставка для заёмщика", "fill in at least one of: share of the policy rate, points added, share of the loan rate or the borrower's floor rate"},
}

func init() {
	for k, v := range resultMessages {
		messages[k] = v
	}
}
