package report

// text is a piece of user-visible text in Russian and English.
type text struct{ ru, en string }

// in returns the text in lang: "en" is English, anything else Russian.
func (t text) in(lang string) string {
	if lang == "en" {
		return t.en
	}
	return t.ru
}

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
		return text{"да", "yes"}.in(lang)
	}
	return text{"нет", "no"}.in(lang)
}

// countryNames are the member states' names.
var countryNames = map[string]text{
	"AM": {"Армения", "Armenia"},
	"BY": {"Беларусь", "Belarus"},
	"KZ": {"Казахстан", "Kazakhstan"},
	"KG": {"Кыргызстан", "Kyrgyzstan"},
	"RU": {"Россия", "Russia"},
}

// CountryName returns a member state's name in lang ("BY" → "Беларусь"),
// or the code itself when it names no member state.
func CountryName(code, lang string) string {
	if t, ok := countryNames[code]; ok {
		return t.in(Lang(lang))
	}
	return code
}

// checkNames name the checks of SPEC §6 for people.
var checkNames = map[string]text{
	"min_member_states":     {"Число государств-членов", "Number of member states"},
	"required_countries":    {"Обязательные государства-члены", "Required member states"},
	"member_currency":       {"Валюта государства-члена", "Member state's currency"},
	"programme_currency":    {"Валюта программы", "Programme currency"},
	"rate_ceiling":          {"Предельная ставка по кредиту", "Loan rate ceiling"},
	"rate_equals_base_plus": {"Ставка = ставка ЦБ + надбавка", "Rate = policy rate + margin"},
	"subsidy_term":          {"Срок субсидирования", "Subsidy term"},
	"min_loan_term":         {"Наименьший срок кредита", "Shortest loan term"},
	"max_loan_term":         {"Наибольший срок кредита", "Longest loan term"},
	"max_amount":            {"Наибольшая сумма кредита", "Largest loan amount"},
	"annual_cap_reached":    {"Годовой лимит", "Annual cap"},
	"base_rate_assumed":     {"Ставка ЦБ принята без данных", "Policy rate assumed"},
	"programme_departure":   {"Отступления от программы", "Departures from the programme"},
	"effective_rate":        {"Эффективная ставка", "Effective rate"},
	"subsidy_window":        {"Период субсидирования", "Subsidy window"},
}

// CheckName returns the name of a check in lang
// ("min_member_states" → "Число государств-членов"), or its code when the
// check has no name here.
func CheckName(code, lang string) string {
	if t, ok := checkNames[code]; ok {
		return t.in(Lang(lang))
	}
	return code
}
