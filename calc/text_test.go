package calc

import (
	"encoding/json"
	"testing"
)

func TestTextIn(t *testing.T) {
	txt := Text{Ru: "строка %d", En: "row %d"}
	calls := map[string]int{}
	lazy := LazyText{
		Ru: func() string { calls["ru"]++; return "да" },
		En: func() string { calls["en"]++; return "yes" },
	}
	for _, tc := range []struct{ lang, want, wantFormat, wantLazy string }{
		{"en", "row %d", "row 7", "yes"},
		{"ru", "строка %d", "строка 7", "да"},
		{"", "строка %d", "строка 7", "да"}, // Russian is the default
		{"EN", "строка %d", "строка 7", "да"},
		{"de", "строка %d", "строка 7", "да"},
	} {
		if got := txt.In(tc.lang); got != tc.want {
			t.Errorf("In(%q) = %q, want %q", tc.lang, got, tc.want)
		}
		if got := txt.Format(7).In(tc.lang); got != tc.wantFormat {
			t.Errorf("Format(7).In(%q) = %q, want %q", tc.lang, got, tc.wantFormat)
		}
		before := calls["ru"] + calls["en"]
		if got := lazy.In(tc.lang); got != tc.wantLazy {
			t.Errorf("LazyText.In(%q) = %q, want %q", tc.lang, got, tc.wantLazy)
		}
		if n := calls["ru"] + calls["en"] - before; n != 1 {
			t.Errorf("LazyText.In(%q) formatted %d texts, want only the one asked for", tc.lang, n)
		}
	}
}

// TestTextJSON: batch job files store a job's error as {"en": …, "ru": …}
// (batch.Message, now a Text); they must still read.
func TestTextJSON(t *testing.T) {
	var got Text
	if err := json.Unmarshal([]byte(`{"en":"cancelled","ru":"отменено"}`), &got); err != nil || got != (Text{Ru: "отменено", En: "cancelled"}) {
		t.Fatalf("stored message read as %+v, %v", got, err)
	}
	b, err := json.Marshal(FieldError{Field: "loan.rate", Text: Text{Ru: "от 0 до 100", En: "0 to 100"}})
	if err != nil || string(b) != `{"field":"loan.rate"}` {
		t.Errorf("FieldError JSON = %s, %v; want only the field (messages go out in one language)", b, err)
	}
}
