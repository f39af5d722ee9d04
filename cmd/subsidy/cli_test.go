package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// run runs the binary's dispatch as main does and returns the exit
// status and both streams.
func run(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = dispatch(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestHelp: asking for help prints it on standard output and succeeds; a
// usage error prints on standard error and exits 2.
func TestHelp(t *testing.T) {
	for _, c := range []struct {
		args     []string
		code     int
		stdout   string // part of standard output
		stderr   string // part of standard error
		noStdout bool
	}{
		{args: []string{"--help"}, stdout: "usage: subsidy <command>"},
		{args: []string{"-h"}, stdout: "commands:"},
		{args: []string{"help"}, stdout: "template"},
		{args: []string{"help", "calc"}, stdout: "usage: subsidy calc request.json"},
		{args: []string{"help", "serve"}, stdout: "SUBSIDY_ADDR"},
		{args: []string{"calc", "--help"}, stdout: "usage: subsidy calc"},
		{args: []string{"calc", "-h"}, stdout: "-o FILE"},
		{args: []string{"batch", "--help"}, stdout: "--budget BUDGET"},
		{args: []string{"template", "--help"}, stdout: "usage: subsidy template"},
		{args: []string{"health", "--help"}, stdout: "--addr ADDR"},
		{args: []string{"version", "--help"}, stdout: "usage: subsidy version"},
		{args: []string{}, code: 2, stderr: "usage: subsidy <command>", noStdout: true},
		{args: []string{"nope"}, code: 2, stderr: `unknown command "nope"`, noStdout: true},
		{args: []string{"help", "nope"}, code: 2, stderr: `unknown command "nope"`, noStdout: true},
		{args: []string{"calc", "--lang", "en"}, code: 2, stderr: "missing argument", noStdout: true},
		{args: []string{"calc", "a.json", "b.json", "--lang", "en"}, code: 2, stderr: `unexpected argument "b.json"`, noStdout: true},
		{args: []string{"template", "--nope", "--lang", "en"}, code: 2, stderr: "flag provided but not defined: -nope\nRun 'subsidy template --help' for usage.", noStdout: true},
		{args: []string{"template", "--lang", "de"}, code: 2, stderr: `--lang "de": допустимо ru или en`, noStdout: true},
	} {
		code, stdout, stderr := run(c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) || c.noStdout && stdout != "" {
			t.Errorf("subsidy %s: exit %d, stdout %.200q, stderr %.200q; want exit %d, stdout with %q, stderr with %q",
				strings.Join(c.args, " "), code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
		if c.code == 0 && stderr != "" {
			t.Errorf("subsidy %s: help wrote on stderr: %q", strings.Join(c.args, " "), stderr)
		}
	}
}

// TestOneFlagStyle: every command's help writes long flags --name and
// one-letter flags -x, and every command takes flags after its arguments.
func TestOneFlagStyle(t *testing.T) {
	for name := range commands {
		code, stdout, stderr := run(name, "--help")
		if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "usage: subsidy "+name) {
			t.Errorf("subsidy %s --help: exit %d, stdout %.80q, stderr %.80q; want the help on stdout and exit 0", name, code, stdout, stderr)
		}
		for _, line := range strings.Split(stdout, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || !strings.HasPrefix(f[0], "-") {
				continue
			}
			flag := f[0]
			if long := strings.TrimLeft(flag, "-"); len(long) > 1 && !strings.HasPrefix(flag, "--") || len(long) == 1 && flag != "-"+long {
				t.Errorf("subsidy %s --help: flag written %q", name, flag)
			}
		}
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "t.csv")
	if code, _, stderr := run("template", "--lang", "en", "-o", out); code != 0 {
		t.Fatalf("template: %d %s", code, stderr)
	}
	req := filepath.Join(dir, "request.json")
	os.WriteFile(req, []byte(calcRequest), 0o644)
	for _, args := range [][]string{
		{"calc", req, "-o", filepath.Join(dir, "a.csv"), "--lang", "en"},
		{"calc", "--lang=en", "-o", filepath.Join(dir, "b.csv"), req},
		{"calc", "-lang", "en", req, "--format", "csv", "-o", filepath.Join(dir, "c.txt")},
	} {
		if code, _, stderr := run(args...); code != 0 {
			t.Errorf("subsidy %s: %d %s", strings.Join(args, " "), code, stderr)
		}
	}
}

// TestMessagesInOneLanguage: --lang chooses the language of every
// message, flag errors included; file errors are translated too.
func TestMessagesInOneLanguage(t *testing.T) {
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"calc", "missing.json", "--lang", "en"}, "open missing.json: no such file or directory"},
		{[]string{"calc", "missing.json", "--lang", "ru"}, "open missing.json: нет такого файла или каталога"},
		{[]string{"calc", "missing.json"}, "нет такого файла"}, // ru is the default
		{[]string{"calc", "x.json", "--nope"}, "неизвестный флаг: -nope\nСправка: subsidy calc --help"},
		{[]string{"calc", "x.json", "-o", "x.pdf", "--lang", "en"}, "cannot write .pdf; use .json, .xlsx or .csv"},
		{[]string{"calc", "x.json", "-o", "x.pdf"}, "не умею писать .pdf; укажите .json, .xlsx или .csv"},
		{[]string{"batch", "x.xlsx", "--allocation", "lottery", "--lang", "en"}, "--allocation: allowed: pro_rata, first_come"},
		{[]string{"batch", "x.xlsx", "--budget", "5,000 RUB"}, "--budget: годовой бюджет: неоднозначно"},
	} {
		code, _, stderr := run(c.args...)
		if code == 0 || !strings.Contains(stderr, c.stderr) {
			t.Errorf("subsidy %s: exit %d, stderr %q; want %q", strings.Join(c.args, " "), code, stderr, c.stderr)
		}
		ru := strings.ContainsAny(stderr, "абвгдеёжзийклмнопрстуфхцчшщыьэюя")
		if en := slices.Contains(c.args, "en"); en == ru {
			t.Errorf("subsidy %s: messages in the other language: %q", strings.Join(c.args, " "), stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, _ := run(args...)
		if code != 0 || !strings.HasPrefix(stdout, "subsidy ") || !strings.Contains(stdout, "go1.") {
			t.Errorf("subsidy %s: %d %q", args[0], code, stdout)
		}
	}
	for _, c := range []struct {
		stamped string
		bi      *debug.BuildInfo
		want    string
	}{
		{"v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v9"}}, "v1.2.3"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "v0.4.0"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0684eff1234567890abc"}, {Key: "vcs.modified", Value: "true"}}}, "devel-0684eff12345+dirty"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"", nil, "devel"},
	} {
		if got := versionOf(c.stamped, c.bi); got != c.want {
			t.Errorf("versionOf(%q, %+v) = %q, want %q", c.stamped, c.bi, got, c.want)
		}
	}
}

// TestCommandTable: every command is in the table once, with a summary,
// and 'subsidy help' lists it.
func TestCommandTable(t *testing.T) {
	_, stdout, _ := run("help")
	for name, c := range commands {
		if c.name != name || c.summary == "" || c.run == nil {
			t.Errorf("command %q: %+v", name, c)
		}
		if !strings.Contains(stdout, "  "+name+" ") {
			t.Errorf("subsidy help does not list %s", name)
		}
	}
}

// TestCalcOneLanguage: the result's check messages, the report and the
// command's messages share one language: --lang when given, else the
// request's own "lang".
func TestCalcOneLanguage(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join(dir, "request.json")
	os.WriteFile(req, []byte(strings.Replace(calcRequest, `"project"`, `"lang": "en", "project"`, 1)), 0o644)
	for _, c := range []struct {
		args []string
		want string // a check message in the JSON
	}{
		{[]string{"calc", req}, "member states take part"},           // the request's en
		{[]string{"calc", req, "--lang", "ru"}, "государства-члена"}, // the flag wins
		{[]string{"calc", req, "--lang", "en"}, "member states take part"},
	} {
		code, stdout, stderr := run(c.args...)
		if code != 0 || !strings.Contains(stdout, c.want) {
			t.Errorf("subsidy %s: exit %d %s; want a check saying %q in %.300s", strings.Join(c.args, " "), code, stderr, c.want, stdout)
		}
	}
}
