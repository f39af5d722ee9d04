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
