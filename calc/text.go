package calc

import "fmt"

// Text is a piece of user-visible text in Russian and English: the one
// way the project says something in two languages (package calc, which
// every other package imports).
//
// Russian comes first. [Text.In] picks one form: "en" is English, anything
// else (including "" and "ru") Russian, the service's default language.
//
//   - A text said in one place is written where it is used:
//     calc.Text{Ru: "нет такого адреса", En: "no such resource"}.In(lang).
//   - Texts looked up by key (the web pages' templates: {{t .Lang "key"}},
//     and handlers.T) live in handlers' messages map, a
//     map[string]calc.Text in handlers/i18n.go; a page in a file of its
//     own keeps its own map[string]calc.Text there and merges it into
//     messages in an init function.
//   - A text with figures is a format in both languages: [Text.Format]
//     formats both forms with the same arguments, and helpers that build
//     messages (FieldError via the validators, report's inputErr and
//     badCell, cmd's usagef and failf) take a Text and the arguments.
//     Where a text should be formatted only when read, in the language
//     asked for (calc's checks, made for every loan of a batch), it is a
//     closure func(en bool) string kept in the value ([Check.Message]).
//   - A value that carries a message in both languages ([FieldError],
//     [NumberError], report.Problem and InputError, batch.Message) is or
//     embeds a Text: its JSON fields are "ru" and "en", and x.In(lang) says
//     it.
//
// To add a text, write a Text literal (Ru then En) where it is said, or a
// key in a messages map when a template needs it. Never take a pair of
// loose strings: their order is what went wrong before.
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
