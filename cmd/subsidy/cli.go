package main

// What every subcommand shares: one flag style, --help on standard output,
// usage errors with exit status 2, and messages in the language of --lang.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// cmdline is one run of a subcommand: its flags, its output streams and
// the language of its messages.
//
// Flags are written --name (one letter: -o, -q); Go's flag package also
// takes -name and --name=value. Flags may come before or after the
// positional arguments ("subsidy calc req.json -o out.xlsx"); "--" ends
// the flags.
type cmdline struct {
	fs       *flag.FlagSet
	name     string // "calc"
	synopsis string // after "usage: subsidy calc "
	about    string // what the command does, a paragraph
	stdout   io.Writer
	stderr   io.Writer
	langFlag *string
	// lang is the language of messages: --lang's value for a command that
	// has the flag, else English.
	lang string
	// flagHelp, when set, lists the flags in --help instead of the
	// default listing (serve adds the environment variables).
	flagHelp func(w io.Writer)
}

func newCmdline(name, synopsis, about string, stdout, stderr io.Writer) *cmdline {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed by run
	return &cmdline{fs: fs, name: name, synopsis: synopsis, about: about, stdout: stdout, stderr: stderr, lang: "en"}
}

// withLang declares --lang (ru or en, default ru): the language of the
// command's output and of its messages.
func (c *cmdline) withLang(what string) *string {
	c.langFlag = c.fs.String("lang", "ru", "`LANG` of "+what+" and of messages: ru or en")
	return c.langFlag
}

// errHelp is returned by a command that printed its help: exit status 0.
var errHelp = errors.New("help shown")

// run parses args (at least minArgs and at most maxArgs positional
// arguments; maxArgs < 0 for no limit), then runs body. Whatever goes
// wrong is printed on stderr in the command's language and becomes the
// exit status: 2 for usage errors, 1 otherwise (or the one body chose with
// exitCode). --help prints the help on stdout and returns errHelp.
func (c *cmdline) run(args []string, minArgs, maxArgs int, body func() error) error {
	if c.langFlag != nil {
		c.lang = scanLang(args)
	}
	err := c.parse(args, minArgs, maxArgs)
	if err == nil {
		err = body()
	}
	return c.report(err)
}

func (c *cmdline) parse(args []string, minArgs, maxArgs int) error {
	if err := c.fs.Parse(reorderFlags(c.fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.help(c.stdout)
			return errHelp
		}
		return &failure{Text: calc.Text{Ru: translateFlagError(err.Error()), En: err.Error()}, code: 2}
	}
	if c.langFlag != nil {
		if *c.langFlag != "ru" && *c.langFlag != "en" {
			return usagef(calc.Text{
				Ru: "--lang %q: допустимо ru или en",
				En: "--lang %q: want ru or en",
			}, *c.langFlag)
		}
		c.lang = *c.langFlag
	}
	if n := c.fs.NArg(); n < minArgs || maxArgs >= 0 && n > maxArgs {
		if n > maxArgs && maxArgs >= 0 {
			return usagef(calc.Text{Ru: "лишний аргумент %q", En: "unexpected argument %q"}, c.fs.Arg(maxArgs))
		}
		return usagef(calc.Text{
			Ru: "не хватает аргумента: subsidy %s %s",
			En: "missing argument: subsidy %s %s",
		}, c.name, c.synopsis)
	}
	return nil
}

// report prints err for the user and turns it into an exit status.
func (c *cmdline) report(err error) error {
	var code exitCode
	var f *failure
	switch {
	case err == nil, errors.Is(err, errHelp):
		return err
	case errors.As(err, &code):
		return code
	case errors.As(err, &f):
		fmt.Fprintf(c.stderr, "subsidy %s: %s\n", c.name, f.In(c.lang))
		if f.code == 2 {
			fmt.Fprintln(c.stderr, calc.Text{
				Ru: "Справка: subsidy " + c.name + " --help",
				En: "Run 'subsidy " + c.name + " --help' for usage.",
			}.In(c.lang))
		}
		return exitCode(f.code)
	}
	fmt.Fprintf(c.stderr, "subsidy %s: %s\n", c.name, localizeError(err, c.lang))
	return exitCode(1)
}

// flagGiven reports whether the flag name was on the command line.
func (c *cmdline) flagGiven(name string) bool {
	given := false
	c.fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// say prints one line on stderr in the command's language.
func (c *cmdline) say(t calc.Text, args ...any) {
	fmt.Fprintf(c.stderr, t.In(c.lang)+"\n", args...)
}

// help prints the command's help: usage, description, flags.
func (c *cmdline) help(w io.Writer) {
	fmt.Fprintf(w, "usage: subsidy %s %s\n\n%s\n", c.name, c.synopsis, strings.TrimSpace(c.about))
	n := 0
	c.fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprint(w, "\nflags:\n")
	if c.flagHelp != nil {
		c.flagHelp(w)
		return
	}
	c.fs.VisitAll(func(f *flag.Flag) {
		placeholder, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if placeholder != "" {
			name += " " + placeholder
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  %-22s %s\n", name, usage)
	})
}

// failure is an error for the user, in both languages, with its exit
// status.
type failure struct {
	calc.Text
	code int
}

func (f *failure) Error() string { return f.En }

// usagef is a usage error (exit status 2): a wrong flag or argument.
func usagef(t calc.Text, args ...any) error {
	return &failure{Text: t.Format(args...), code: 2}
}

// failf is a failure of the work itself (exit status 1).
func failf(t calc.Text, args ...any) error {
	return &failure{Text: t.Format(args...), code: 1}
}

// exitCode is an exit status for a failure the command already explained.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// scanLang finds --lang's value in args before they are parsed, so that
// even a wrong flag is explained in the language asked for.
func scanLang(args []string) string {
	lang := "ru"
	for i, a := range args {
		if a == "--" {
			break
		}
		name, v, hasV := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasV && i+1 < len(args) {
			v = args[i+1]
		}
		if v == "en" || v == "ru" {
			lang = v
		}
	}
	return lang
}

// translateFlagError puts the flag package's messages into Russian.
func translateFlagError(s string) string {
	for _, t := range []calc.Text{
		{Ru: "неизвестный флаг: ", En: "flag provided but not defined: "},
		{Ru: "у флага нет значения: ", En: "flag needs an argument: "},
		{Ru: "недопустимое значение ", En: "invalid value "},
		{Ru: "недопустимое значение ", En: "invalid boolean value "},
		{Ru: "неверный флаг: ", En: "bad flag syntax: "},
	} {
		if rest, ok := strings.CutPrefix(s, t.En); ok {
			return t.Ru + strings.Replace(rest, " for flag ", " флага ", 1)
		}
	}
	return s
}

// localizeError says a file error in lang: "open out.xlsx: permission
// denied" is "open out.xlsx: доступ запрещён" in Russian.
func localizeError(err error, lang string) string {
	var pe *fs.PathError
	var errno syscall.Errno
	if lang != "ru" || !errors.As(err, &pe) || !errors.As(pe.Err, &errno) {
		return err.Error()
	}
	ru := map[syscall.Errno]string{
		syscall.ENOENT:  "нет такого файла или каталога",
		syscall.EACCES:  "доступ запрещён",
		syscall.EPERM:   "операция не разрешена",
		syscall.EROFS:   "файловая система только для чтения",
		syscall.ENOSPC:  "на устройстве не осталось места",
		syscall.EISDIR:  "это каталог",
		syscall.ENOTDIR: "это не каталог",
		syscall.EEXIST:  "файл уже существует",
	}[errno]
	if ru == "" {
		return err.Error()
	}
	return pe.Op + " " + pe.Path + ": " + ru
}

// reorderFlags moves the flags given after the positional arguments to the
// front, so that "subsidy calc req.json -o out.xlsx" works like "subsidy
// calc -o out.xlsx req.json". A flag takes the next argument as its value
// unless it is boolean or written --name=value.
func reorderFlags(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil || hasValue || i+1 >= len(args) {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		flags = append(flags, args[i+1])
		i++
	}
	if len(pos) > 0 {
		flags = append(flags, "--")
	}
	return append(flags, pos...)
}

// reorder is reorderFlags for a flag set's valued flag names given by
// hand (the form commands had before cmdline).
func reorder(args []string, valued map[string]bool) []string {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	for name, v := range valued {
		if v {
			fs.String(name, "", "")
		}
	}
	return reorderFlags(fs, args)
}
