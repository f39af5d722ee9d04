package calc

import (
	"encoding/json"
	"testing"
)

func TestTextIn(t *testing.T) {
	txt := Text{Ru: "строка %d", En: "row %d"}
	calls := 0
	say := func(en bool) string {
		calls++
		if en {
			return "yes"
		}
		return "да"
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
		// A check's message is formatted when read, in its language.
		l := &checkList{lang: tc.lang}
		before := calls
		l.add("code", KindInfo, true, say)
		if calls != before {
			t.Errorf("lang %q: the message was formatted when the check was made", tc.lang)
		}
		if got := l.list[0].Message(); got != tc.wantLazy {
			t.Errorf("Check.Message() in %q = %q, want %q", tc.lang, got, tc.wantLazy)
		}
		if calls != before+1 {
			t.Errorf("lang %q: Message formatted %d texts, want 1", tc.lang, calls-before)
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
