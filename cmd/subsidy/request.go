package main

import (
	"github.com/eaeu-subsidy/subsidy/calc"
)

// requestFlags are the flags of every command that computes one JSON
// request (calc, claim, compare, reconcile): the output file, its format,
// the language and a policy-rate file.
type requestFlags struct {
	c                        *cmdline
	out, format, lang, rates *string
}

// newRequestFlags declares the shared flags on c; outHelp and formatHelp
// describe the formats the command writes, langWhat what --lang changes.
func newRequestFlags(c *cmdline, outHelp, formatHelp, langWhat string) *requestFlags {
	return &requestFlags{
		c:      c,
		out:    c.fs.String("o", "", outHelp),
		format: c.fs.String("format", "", formatHelp),
		lang:   c.withLang(langWhat),
		rates:  c.fs.String("rates", "", "policy rate CSV `FILE` (the format of the built-in record); none: the built-in record"),
	}
}

// load chooses the output format among formats (the first is the
// default), loads the policy rates and reads the request (the first
// argument; - is standard input).
func (r *requestFlags) load(formats ...outputFormat) (format outputFormat, book *calc.RateBook, body []byte, err error) {
	if format, err = chooseFormat(*r.out, *r.format, formats...); err != nil {
		return outputFormat{}, nil, nil, err
	}
	if book, err = loadRates(*r.rates); err != nil {
		return outputFormat{}, nil, nil, err
	}
	body, err = readInput(r.c.fs.Arg(0), maxRequestBytes)
	return format, book, body, err
}

// settleLang makes one language of the result, its files and the
// messages: --lang when given, else the request's "lang" (reqLang), else
// Russian. It sets *reqLang to the language chosen.
func (r *requestFlags) settleLang(reqLang *string) {
	switch {
	case r.c.flagGiven("lang"), *reqLang != "ru" && *reqLang != "en":
		*reqLang = *r.lang
	default:
		*r.lang, r.c.lang = *reqLang, *reqLang
	}
}
