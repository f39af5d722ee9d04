package calc_test

import (
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestMemberIndexFollowsMemberStates: the switch that counts shares by
// country names the member states in MemberStates' order, and nothing
// else.
func TestMemberIndexFollowsMemberStates(t *testing.T) {
	for i, c := range calc.MemberStates {
		if got := calc.MemberIndex(c); got != i {
			t.Errorf("MemberIndex(%q) = %d, want %d", c, got, i)
		}
	}
	for _, c := range []string{"", "UA", "ru", "RUS", "AZ"} {
		if got := calc.MemberIndex(c); got != -1 {
			t.Errorf("MemberIndex(%q) = %d, want -1", c, got)
		}
	}
}

// TestCurrencyIndexFollowsCurrencies: the switch that checks a loan's
// currency names Currencies in their order and nothing else, and the
// first of them are the member states' currencies in MemberStates' order
// (CurrencyCountry).
func TestCurrencyIndexFollowsCurrencies(t *testing.T) {
	for i, c := range calc.Currencies {
		if got := calc.CurrencyIndex(c); got != i {
			t.Errorf("CurrencyIndex(%q) = %d, want %d", c, got, i)
		}
	}
	for _, c := range []string{"", "rub", "RU", "RUBB", "GBP"} {
		if got := calc.CurrencyIndex(c); got != -1 {
			t.Errorf("CurrencyIndex(%q) = %d, want -1", c, got)
		}
		if s, ok := calc.CurrencyCountry(c); ok || s != "" {
			t.Errorf("CurrencyCountry(%q) = %q, %v, want none", c, s, ok)
		}
	}
	want := map[string]string{"AMD": "AM", "BYN": "BY", "KZT": "KZ", "KGS": "KG", "RUB": "RU"}
	for _, c := range calc.Currencies {
		s, ok := calc.CurrencyCountry(c)
		if w, member := want[c]; ok != member || s != w {
			t.Errorf("CurrencyCountry(%q) = %q, %v, want %q, %v", c, s, ok, w, member)
		}
	}
}
