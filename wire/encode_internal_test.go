package wire

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestAppendMoney holds the digit writer to calc.Money.String at
// every digit-count boundary, the extremes and random values, appended
// to buffers with and without spare capacity.
func TestAppendMoney(t *testing.T) {
	vals := []int64{0, 1, 5, 9, 10, 99, 100, 101, 999, 1000, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for p := int64(1); p > 0 && p <= math.MaxInt64/10; p *= 10 {
		vals = append(vals, p-1, p, p+1, 10*p-1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		vals = append(vals, r.Int64()>>r.IntN(63))
	}
	for _, v := range vals {
		for _, sign := range []int64{1, -1} {
			m := calc.Money(v * sign)
			want := `x"` + m.String() + `"`
			for _, extra := range []int{0, 1, 40} {
				b := make([]byte, 1, 1+extra)
				b[0] = 'x'
				if got := string(appendMoney(b, m)); got != want {
					t.Fatalf("appendMoney(%d) with %d spare = %s, want %s", int64(m), extra, got, want)
				}
			}
		}
	}
}

// TestAppendString holds the string writer to encoding/json (HTML-safe,
// invalid UTF-8 as \ufffd, U+2028/2029 escaped) on tricky and random
// byte strings: two-byte letters, overlong and truncated sequences,
// lone continuation bytes, surrogates, control characters.
func TestAppendString(t *testing.T) {
	cases := []string{
		"", "plain", "Кредит в RUB — валюта", "é", "\u2028\u2029", "a<b>&c\"d\\e\n\r\t\b\f\x00\x1f",
		"\xc2", "\xc2a", "\xc0\x80", "\xc1\xbf", "\xdf\xbf", "\xe2\x80", "\xe2\x80\xa8x", "\xed\xa0\x80",
		"\x80", "\xbf\xbf", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xff", "Ж\xd0", "\xd0Ж",
	}
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte{'a', '"', '<', 0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xd0, 0xdf, 0xe0, 0xe2, 0xa8, 0xed, 0xf0, 0xf4, 0xff}
	for range 5000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}
