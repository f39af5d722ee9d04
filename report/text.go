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
