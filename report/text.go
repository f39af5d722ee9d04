package report

import "github.com/eaeu-subsidy/subsidy/calc"

// Lang normalises a language tag to the two the reports speak: "en" for
// English, "ru" (the default) for anything else.
func Lang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "ru"
}

// yesNo returns "да"/"yes" or "нет"/"no".
func yesNo(b bool, lang string) string {
	if b {
		return calc.Text{Ru: "да", En: "yes"}.In(lang)
	}
	return calc.Text{Ru: "нет", En: "no"}.In(lang)
}

// countryNames are the member states' names.
var countryNames = map[string]calc.Text{
	"AM": {Ru: "Армения", En: "Armenia"},
	"BY": {Ru: "Беларусь", En: "Belarus"},
	"KZ": {Ru: "Казахстан", En: "Kazakhstan"},
	"KG": {Ru: "Кыргызстан", En: "Kyrgyzstan"},
	"RU": {Ru: "Россия", En: "Russia"},
}

// CountryName returns a member state's name in lang ("BY" → "Беларусь"),
// or the code itself when it names no member state.
func CountryName(code, lang string) string {
	if t, ok := countryNames[code]; ok {
		return t.In(Lang(lang))
	}
	return code
}

// checkNames name the checks of SPEC §6 for people.
var checkNames = map[string]calc.Text{
	"min_member_states":     {Ru: "Число государств-членов", En: "Number of member states"},
	"required_countries":    {Ru: "Обязательные государства-члены", En: "Required member states"},
	"member_currency":       {Ru: "Валюта государства-члена", En: "Member state's currency"},
	"programme_currency":    {Ru: "Валюта программы", En: "Programme currency"},
	"rate_ceiling":          {Ru: "Предельная ставка по кредиту", En: "Loan rate ceiling"},
	"rate_equals_base_plus": {Ru: "Ставка = ставка ЦБ + надбавка", En: "Rate = policy rate + margin"},
	"subsidy_term":          {Ru: "Срок субсидирования", En: "Subsidy term"},
	"min_loan_term":         {Ru: "Наименьший срок кредита", En: "Shortest loan term"},
	"max_loan_term":         {Ru: "Наибольший срок кредита", En: "Longest loan term"},
	"max_amount":            {Ru: "Наибольшая сумма кредита", En: "Largest loan amount"},
	"annual_cap_reached":    {Ru: "Годовой лимит", En: "Annual cap"},
	"base_rate_assumed":     {Ru: "Ставка ЦБ принята без данных", En: "Policy rate assumed"},
	"programme_departure":   {Ru: "Отступления от программы", En: "Departures from the programme"},
	"effective_rate":        {Ru: "Эффективная ставка", En: "Effective rate"},
	"subsidy_window":        {Ru: "Период субсидирования", En: "Subsidy window"},
}

// CheckName returns the name of a check in lang
// ("min_member_states" → "Число государств-членов"), or its code when the
// check has no name here.
func CheckName(code, lang string) string {
	if t, ok := checkNames[code]; ok {
		return t.In(Lang(lang))
	}
	return code
}
