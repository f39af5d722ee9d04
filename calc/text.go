package calc

import "fmt"

// Translation: the one way the project says something in two languages.
//
// Every user-visible text is a [Text]: its Russian and its English form,
// Russian first. [Text.In] picks one: "en" is English, anything else
// (including "" and "ru") is Russian, the service's default language.
//
//   - A text said in one place is written where it is used:
//     calc.Text{Ru: "нет такого адреса", En: "no such resource"}.In(lang).
//   - Texts looked up by key (the web pages' templates: {{t .Lang "key"}})
//     live in handlers' messages map (map[string]calc.Text, handlers/i18n.go);
//     a page of its own adds its map[string]calc.Text in its own file and
//     merges it into messages in an init function.
//   - Texts with figures are formatted before they become a Text
//     ([Text.Format] formats both forms with the same arguments), or, where only the language asked for
//     should be formatted (calc's checks, which run for every loan of a
//     batch), built lazily as a [LazyText].
//   - A result that carries its message in both languages (FieldError,
//     batch jobs' messages, report.Problem) holds a Text; its JSON field
//     names are "ru" and "en".
//
// To add a text: write calc.Text{Ru: "…", En: "…"} where it is said, or add
// a key to a messages map when a template needs it; never another helper.

// Text is a piece of user-visible text in Russian and English.
type Text struct {
	Ru string `json:"ru"`
	En string `json:"en"`
}

// In returns the text in lang: "en" is English, anything else Russian.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.En
	}
	return t.Ru
}

// Format returns t with both forms formatted by fmt.Sprintf with args:
// Text{Ru: "строка %d", En: "row %d"}.Format(7).
func (t Text) Format(args ...any) Text {
	return Text{Ru: fmt.Sprintf(t.Ru, args...), En: fmt.Sprintf(t.En, args...)}
}

// LazyText is a [Text] whose forms are formatted only when asked for: In
// calls just the function of the language asked for. Use it where
// formatting both languages would cost measurably (calc's checks).
type LazyText struct {
	Ru, En func() string
}

// In returns the text in lang, formatting only that language: "en" is
// English, anything else Russian.
func (t LazyText) In(lang string) string {
	if lang == "en" {
		return t.En()
	}
	return t.Ru()
}
