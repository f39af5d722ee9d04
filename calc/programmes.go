package calc

import (
	"github.com/shopspring/decimal"
)

// Programme is a preset: the subsidy rate rule and the conditions a
// programme fixes. Every figure carries its source in Source.
type Programme struct {
	ID     string `json:"id"`
	NameRu string `json:"name_ru"`
	NameEn string `json:"name_en"`
	// RulesVersion names the legal text the parameters follow.
	RulesVersion string `json:"rules_version"`
	Source       string `json:"source"`
	// Rule is the subsidy rate rule (SPEC §3).
	Rule RuleParams `json:"rule"`
	// UsesBase reports whether the rule needs a policy rate.
	UsesBase bool `json:"uses_base_rate"`
	// Cap is the annual cap per project (nil: none).
	Cap *Cap `json:"annual_cap"`
	// MaxTermMonths is the longest subsidy window (0: the loan term).
	MaxTermMonths int `json:"max_subsidy_months"`
	// Contributions are the member states' shares in the programme's budget
	// (percent); empty for a custom programme that gives none.
	Contributions []CountryShare `json:"contributions"`
	// Conditions are the eligibility conditions the checks test.
	Conditions Conditions `json:"conditions"`
	// Free lists request fields the programme expects to be given per
	// loan (e.g. the share of the refinancing rate set by each decision):
	// giving them is no departure from the programme.
	Free []string `json:"free_parameters,omitempty"`
	// Confidence says how well the parameters are sourced: "high" (the
	// legal text), "medium" (the operator's programme page or official
	// news), "low" (secondary sources or our reading); "" for custom.
	Confidence string `json:"confidence,omitempty"`
	// Notes name the terms the sources leave open and what the preset does
	// about them (usually: leaves the term out).
	Notes []string `json:"notes,omitempty"`
	// HomeCurrency and ForeignRule: a loan not in HomeCurrency takes
	// ForeignRule instead of Rule (am-points: 8 pp in AMD, 6 pp otherwise).
	HomeCurrency string      `json:"home_currency,omitempty"`
	ForeignRule  *RuleParams `json:"foreign_currency_rule,omitempty"`
}

// Name returns the programme's name in both languages: p.Name().In(lang).
func (p Programme) Name() Text { return Text{Ru: p.NameRu, En: p.NameEn} }

// Conditions are a programme's eligibility conditions; a zero field is not
// checked.
type Conditions struct {
	// MinMemberStates is the least number of distinct member states among
	// the participants.
	MinMemberStates int `json:"min_member_states,omitempty"`
	// RequiredCountries must all be among the participants.
	RequiredCountries []string `json:"required_countries,omitempty"`
	// MemberCurrency requires the loan in a member state's currency.
	MemberCurrency bool `json:"member_currency,omitempty"`
	// Currencies, when set, are the only currencies allowed.
	Currencies []string `json:"currencies,omitempty"`
	// RateCeilingPoints: loan rate ≤ policy rate + this, both on the issue
	// date (percentage points).
	RateCeilingPoints *decimal.Decimal `json:"rate_ceiling_points,omitempty"`
	// RateEqualsBasePlus: loan rate = policy rate on the issue date + this.
	RateEqualsBasePlus *decimal.Decimal `json:"rate_equals_base_plus,omitempty"`
	// MinLoanMonths and MaxLoanMonths bound the loan term.
	MinLoanMonths int `json:"min_loan_months,omitempty"`
	MaxLoanMonths int `json:"max_loan_months,omitempty"`
	// MaxAmount bounds the loan amount in MaxAmountCurrency.
	MaxAmount         *decimal.Decimal `json:"max_amount,omitempty"`
	MaxAmountCurrency string           `json:"max_amount_currency,omitempty"`
}

// MemberStates are the EAEU member states, ISO 3166-1 alpha-2.
var MemberStates = memberStates[:]

// memberStates are the member states, in the order of MemberStates.
var memberStates = [...]string{"AM", "BY", "KZ", "KG", "RU"}

// memberIndex returns the index of member state c in MemberStates, and
// -1 for any other string. A switch: the shares of every loan are
// counted by country.
func memberIndex(c string) int {
	switch c {
	case "AM":
		return 0
	case "BY":
		return 1
	case "KZ":
		return 2
	case "KG":
		return 3
	case "RU":
		return 4
	}
	return -1
}

// Currencies are the currencies a request may use: the member states'
// (first, in the order of MemberStates) and the usual currencies of caps
// and foreign-currency loans.
var Currencies = []string{"AMD", "BYN", "KZT", "KGS", "RUB", "USD", "EUR", "CNY"}

// currencyIndex returns the index of currency c in Currencies, and -1 for
// any other string. A switch, as memberIndex: every loan's currency is
// checked and then looked up twice as a member state's (the policy rate's
// country, the member-currency check), ~500 instructions a loan as a
// scan of Currencies and two map look-ups.
func currencyIndex(c string) int {
	switch c {
	case "AMD":
		return 0
	case "BYN":
		return 1
	case "KZT":
		return 2
	case "KGS":
		return 3
	case "RUB":
		return 4
	case "USD":
		return 5
	case "EUR":
		return 6
	case "CNY":
		return 7
	}
	return -1
}

// CurrencyCountry returns the member state whose currency c is.
func CurrencyCountry(c string) (string, bool) {
	if i := currencyIndex(c); i >= 0 && i < len(memberStates) {
		return memberStates[i], true
	}
	return "", false
}

func d(s string) *decimal.Decimal { v := decimal.RequireFromString(s); return &v }

// eaeuContributions are the import-duty distribution normatives (SPEC §1,
// Treaty on the EAEU, Annex 5, Protocol on the procedure for crediting and
// distributing import customs duties, item 1).
var eaeuContributions = []CountryShare{
	{"AM", decimal.RequireFromString("1.22")},
	{"BY", decimal.RequireFromString("4.56")},
	{"KZ", decimal.RequireFromString("7.055")},
	{"KG", decimal.RequireFromString("1.9")},
	{"RU", decimal.RequireFromString("85.265")},
}

var programmes = []Programme{
	{
		ID:           "eaeu-industrial",
		NameRu:       "ЕАЭС: совместные кооперационные проекты в промышленности",
		NameEn:       "EAEU joint industrial cooperation projects",
		RulesVersion: "EAEU-2023-SEEC4/EIC3",
		Source: "Supreme Eurasian Economic Council Decision No. 4 of 25.05.2023; Regulation approved by " +
			"Eurasian Intergovernmental Council Decision No. 3 of 26.10.2023; subsidies since 07.06.2024. " +
			"Rate ceiling 'policy rate + 6.5 pp on the issue date' is our reading (SPEC §1).",
		Rule:          RuleParams{BaseShare: d("1"), LoanShare: d("1"), BaseFixing: FixDaily},
		UsesBase:      true,
		Cap:           &Cap{Amount: decimal.RequireFromString("350000000"), Currency: "RUB"},
		MaxTermMonths: 60,
		Contributions: eaeuContributions,
		Confidence:    "high",
		Notes:         []string{"The rate ceiling is compared on the issue date (our reading, SPEC §1)."},
		Conditions: Conditions{
			MinMemberStates:   3,
			MemberCurrency:    true,
			RateCeilingPoints: d("6.5"),
		},
	},
	{
		ID:           "ru-industrial-0.7",
		NameRu:       "Россия: субсидии на инвестиционные проекты в промышленности (ПП № 3)",
		NameEn:       "Russia: industrial investment loans (Decree No. 3)",
		RulesVersion: "RU-PP3-2014-am2015",
		Source:       "Russian Government Decree No. 3 of 03.01.2014, as amended in 2015: 0.7 × key rate on the interest payment date, at most the loan rate; loans of at least 3 years.",
		Rule:         RuleParams{BaseShare: d("0.7"), LoanShare: d("1"), BaseFixing: FixPaymentDate},
		UsesBase:     true,
		Contributions: []CountryShare{
			{"RU", decimal.RequireFromString("100")},
		},
		Conditions: Conditions{MinLoanMonths: 36, Currencies: []string{"RUB"}},
		Confidence: "high",
	},
	{
		ID:           "kz-isker-aimak",
		NameRu:       "Казахстан: «Іскер аймақ» (фонд «Даму»)",
		NameEn:       "Kazakhstan: Damu 'Iskyer aimaq'",
		RulesVersion: "KZ-DAMU-ISKER-AIMAK",
		Source:       "Damu Entrepreneurship Development Fund, 'Iskyer aimaq': 40 % of the loan rate subsidised, the borrower pays at least 12.6 %; loan rate = base rate + 4 pp; up to KZT 200 m; up to 3 years (SPEC §1).",
		Rule:         RuleParams{LoanShare: d("0.4"), BorrowerFloor: d("12.6"), BaseFixing: FixDaily},
		Contributions: []CountryShare{
			{"KZ", decimal.RequireFromString("100")},
		},
		Conditions: Conditions{
			RateEqualsBasePlus: d("4"),
			MaxLoanMonths:      36,
			MaxAmount:          d("200000000"),
			MaxAmountCurrency:  "KZT",
			Currencies:         []string{"KZT"},
		},
		Confidence: "medium",
	},
	{
		ID:           "by-refinancing-share",
		NameRu:       "Беларусь: доля ставки рефинансирования",
		NameEn:       "Belarus: share of the refinancing rate",
		RulesVersion: "BY-COM-REFI-SHARE",
		Source:       "Council of Ministers of Belarus decisions: share × refinancing rate (share given per decision, e.g. 0.5, 0.75, 1; default here 1), at most the loan rate (SPEC §1).",
		Rule:         RuleParams{BaseShare: d("1"), LoanShare: d("1"), BaseFixing: FixDaily},
		UsesBase:     true,
		Contributions: []CountryShare{
			{"BY", decimal.RequireFromString("100")},
		},
		Conditions: Conditions{Currencies: []string{"BYN"}},
		Free:       []string{"subsidy.rule.base_share"},
		Confidence: "medium",
		Notes:      []string{"The share is set by each decision; 1 is a placeholder to override."},
	},
	{
		ID:            "union-state",
		NameRu:        "Союзное государство России и Беларуси",
		NameEn:        "Union State of Russia and Belarus",
		RulesVersion:  "UNION-STATE-AS-EAEU",
		Source:        "As eaeu-industrial, participants from Russia and Belarus; budget shares Russia 65 %, Belarus 35 % (SPEC §1).",
		Rule:          RuleParams{BaseShare: d("1"), LoanShare: d("1"), BaseFixing: FixDaily},
		UsesBase:      true,
		Cap:           &Cap{Amount: decimal.RequireFromString("350000000"), Currency: "RUB"},
		MaxTermMonths: 60,
		Contributions: []CountryShare{
			{"RU", decimal.RequireFromString("65")},
			{"BY", decimal.RequireFromString("35")},
		},
		Conditions: Conditions{
			RequiredCountries: []string{"RU", "BY"},
			MemberCurrency:    true,
			RateCeilingPoints: d("6.5"),
		},
		Confidence: "low",
		Notes:      []string{"Terms other than the participants and the budget shares are taken from eaeu-industrial (SPEC §1)."},
	},
	{
		ID:           "kz-baiterek",
		NameRu:       "Казахстан: льготное кредитование через холдинг «Байтерек»",
		NameEn:       "Kazakhstan: Baiterek concessional lending",
		RulesVersion: "KZ-BAITEREK",
		Source:       "baiterek.gov.kz (programme page and news, not the legal text): the borrower pays 8 %, the loan rate is at most the base rate + 7 pp (SPEC §9).",
		Rule:         RuleParams{BorrowerFloor: d("8"), BaseFixing: FixDaily},
		Contributions: []CountryShare{
			{"KZ", decimal.RequireFromString("100")},
		},
		Conditions: Conditions{RateCeilingPoints: d("7"), Currencies: []string{"KZT"}},
		Confidence: "medium",
		Notes: []string{
			"No cap, maximum amount or subsidy term is given by the source: none is applied.",
			"The rate ceiling is compared on the issue date, as for eaeu-industrial (our reading).",
			"Tenge loans only (our reading: the ceiling names the National Bank's base rate).",
		},
	},
	{
		ID:            "am-points",
		NameRu:        "Армения: субсидирование процентных пунктов",
		NameEn:        "Armenia: interest points subsidy",
		RulesVersion:  "AM-POINTS",
		Source:        "evoca.am (a lending bank's page on the state programme, not the legal text): a fixed 8 pp for AMD loans, 6 pp for loans in foreign currency, for at most 36 months (SPEC §9).",
		Rule:          RuleParams{PlusPoints: d("8"), BaseFixing: FixDaily},
		HomeCurrency:  "AMD",
		ForeignRule:   &RuleParams{PlusPoints: d("6"), BaseFixing: FixDaily},
		MaxTermMonths: 36,
		Contributions: []CountryShare{
			{"AM", decimal.RequireFromString("100")},
		},
		Confidence: "low",
		Notes: []string{
			"The points are not capped at the loan rate by the source; a period's subsidy never exceeds its interest (SPEC §3).",
			"No cap, amount limit or list of foreign currencies is given by the source: none is applied.",
		},
	},
	{
		ID:           "ru-kip",
		NameRu:       "Россия: комбинированные инвестиционные проекты (КИП, ВЭБ.РФ)",
		NameEn:       "Russia: combined investment projects (KIP, VEB.RF)",
		RulesVersion: "RU-KIP",
		Source:       "VEB.RF programme page and news (not the legal text): the borrower pays 0.3 × key rate + 3 pp; the rest of the loan rate is subsidised (SPEC §9).",
		Rule:         RuleParams{FloorBaseShare: d("0.3"), BorrowerFloor: d("3"), BaseFixing: FixDaily},
		UsesBase:     true,
		Contributions: []CountryShare{
			{"RU", decimal.RequireFromString("100")},
		},
		Conditions: Conditions{Currencies: []string{"RUB"}},
		Confidence: "medium",
		Notes: []string{
			"The source gives no cap, loan limits, subsidy term or fixing date of the key rate: none is applied and the key rate is taken daily.",
			"Rouble loans only (our reading: the floor names the Bank of Russia's key rate).",
		},
	},
	{
		ID:           "custom",
		NameRu:       "Произвольные параметры",
		NameEn:       "Custom parameters",
		RulesVersion: "CUSTOM",
		Source:       "Every parameter given in the request (SPEC §3).",
		Rule:         RuleParams{BaseFixing: FixDaily},
	},
}

// Ways of fixing the policy rate (RuleParams.BaseFixing).
const (
	FixDaily       = "daily"
	FixPeriodStart = "period_start"
	FixPaymentDate = "payment_date"
)

// Programmes returns the built-in programmes. The slice and its values are
// copies the caller may keep.
func Programmes() []Programme {
	out := make([]Programme, len(programmes))
	copy(out, programmes)
	return out
}

// builtinProgramme returns the built-in programme id's own entry, to be
// read only, or nil when there is none.
func builtinProgramme(id string) *Programme {
	for i := range programmes {
		if programmes[i].ID == id {
			return &programmes[i]
		}
	}
	return nil
}

// LookupProgramme returns the programme with id.
func LookupProgramme(id string) (Programme, bool) {
	for _, p := range programmes {
		if p.ID == id {
			return p, true
		}
	}
	return Programme{}, false
}

// ProgrammeIDs lists the ids of the built-in programmes.
func ProgrammeIDs() []string {
	ids := make([]string, len(programmes))
	for i, p := range programmes {
		ids[i] = p.ID
	}
	return ids
}
