package calc

import "strings"

// ErrorKind classifies an [Error].
type ErrorKind int

// Kinds of [Error]. Adapters turn them into HTTP statuses in one place:
// Invalid is 422 (400 for undecodable input), Canceled 503.
const (
	Invalid ErrorKind = iota + 1
	// Canceled: the calculation was abandoned because Options.Context was
	// done (its deadline passed or it was cancelled); the error unwraps to
	// the context's error.
	Canceled
)

// FieldError is one problem with one input field. Field is the JSON path
// ("loan.rate", "project.participants[2].share"); the message (f.In(lang))
// says what is wrong and what is allowed, in Russian and English.
type FieldError struct {
	Field string `json:"field"`
	Text  `json:"-"`
}

// Error is the package's one error type. An invalid request carries every
// problem found at once in Fields.
type Error struct {
	Kind   ErrorKind
	Fields []FieldError
	// Detail is a summary safe to show to users.
	Detail string
	cause  error // what Unwrap returns (the context's error for Canceled)
}

// Unwrap returns the error behind e, if any: for [Canceled],
// context.Canceled or context.DeadlineExceeded.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Detail
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.En
	}
	return e.Detail + ": " + strings.Join(parts, "; ")
}

// problems collects field errors during validation.
type problems struct{ list []FieldError }

func (p *problems) add(field string, t Text, args ...any) {
	p.list = append(p.list, FieldError{Field: field, Text: t.Format(args...)})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Fields: p.list, Detail: "invalid request"}
}
