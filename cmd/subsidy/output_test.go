package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/eaeu-subsidy/subsidy/calc"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestWriteOutputNeverReplacesSpecialFiles: a fifo is written through (its
// reader gets the output) and stays a fifo; a symbolic link stays a link
// and its target gets the output; a device is written in place. Renaming a
// temporary file over them (what -o did before) turned /dev/null into a
// regular file for the whole machine.
func TestWriteOutputNeverReplacesSpecialFiles(t *testing.T) {
	dir := t.TempDir()

	t.Run("Fifo", func(t *testing.T) {
		fifo := filepath.Join(dir, "out.fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skipf("no fifo here: %v", err)
		}
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(fifo) // blocks until the writer opens it
			if err != nil {
				got <- err.Error()
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			got <- string(b)
		}()
		if err := writeFile(fifo, io.Discard, formatJSON, writeString(`{"ok":true}`)); err != nil {
			t.Fatal(err)
		}
		select {
		case s := <-got:
			if s != `{"ok":true}` {
				t.Errorf("the fifo's reader got %q", s)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the fifo's reader got nothing")
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Errorf("the fifo was replaced: %v %v", fi.Mode(), err)
		}
		assertNoTemporaryFiles(t, dir)
	})

	t.Run("Symlink", func(t *testing.T) {
		target := filepath.Join(dir, "real.json")
		os.WriteFile(target, []byte("old"), 0o640)
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink("real.json", link); err != nil {
			t.Fatal(err)
		}
		if err := writeFile(link, io.Discard, formatJSON, writeString("new")); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("the link was replaced by a file: %v %v", fi.Mode(), err)
		}
		if b, _ := os.ReadFile(target); string(b) != "new" {
			t.Errorf("the link's target holds %q", b)
		}
		if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
			t.Errorf("the target's mode became %v, want it kept (0640)", fi.Mode().Perm())
		}
		// A dangling link: its target is created.
		dangling := filepath.Join(dir, "dangling.json")
		os.Symlink("created.json", dangling)
		if err := writeFile(dangling, io.Discard, formatJSON, writeString("x")); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "created.json")); string(b) != "x" {
			t.Errorf("dangling link's target holds %q", b)
		}
		assertNoTemporaryFiles(t, dir)
	})

	t.Run("Device", func(t *testing.T) {
		// /dev/full is a device like /dev/null, and writing to it fails:
		// the error names it, and it is still a device. /dev/null itself
		// is never used here: a bug would break the machine.
		const full = "/dev/full"
		if _, err := os.Stat(full); err != nil {
			t.Skip("no /dev/full")
		}
		err := writeFile(full, io.Discard, formatJSON, writeString("x"))
		if err == nil || !strings.Contains(err.Error(), full) || !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("writing %s: %v", full, err)
		}
		if fi, err := os.Stat(full); err != nil || fi.Mode()&fs.ModeDevice == 0 {
			t.Fatalf("%s is no longer a device: %v %v", full, fi.Mode(), err)
		}
	})

	t.Run("OpenFileOfTheShell", func(t *testing.T) {
		// "subsidy calc req.json -o /dev/stdout >> log": the output is
		// added to the file the shell opened, which is not replaced.
		logPath := filepath.Join(dir, "log")
		os.WriteFile(logPath, []byte("earlier\n"), 0o644)
		log, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer log.Close()
		before, _ := os.Stat(logPath)
		fd := "/proc/self/fd/" + strconv.Itoa(int(log.Fd()))
		if _, err := os.Stat(fd); err != nil {
			t.Skip("no /proc/self/fd")
		}
		if f, err := chooseFormat(fd, "", formatJSON, formatCSV); err != nil || f != formatJSON {
			t.Errorf("chooseFormat(%s) = %v, %v", fd, f, err)
		}
		if err := writeFile(fd, io.Discard, formatJSON, writeString("{}\n")); err != nil {
			t.Fatal(err)
		}
		after, _ := os.Stat(logPath)
		if b, _ := os.ReadFile(logPath); string(b) != "earlier\n{}\n" || !os.SameFile(before, after) {
			t.Errorf("the shell's file was replaced or truncated: %q", b)
		}
	})

	t.Run("Directory", func(t *testing.T) {
		err := writeFile(dir, io.Discard, formatJSON, writeString("x"))
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("a directory as output: %v", err)
		}
	})
}

// TestWriteOutputReadOnlyDirectory: a file that cannot be created is
// reported under the path the user gave, never the temporary file's name,
// and nothing is left behind.
func TestWriteOutputReadOnlyDirectory(t *testing.T) {
	dir := readOnlyDir(t)
	out := filepath.Join(dir, "out.xlsx")
	called := false
	err := writeFile(out, io.Discard, formatXLSX, func(io.Writer) error { called = true; return nil })
	if err == nil {
		t.Fatal("writing into a read-only directory succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, out) || strings.Contains(msg, ".tmp") {
		t.Errorf("the error does not name %s: %q", out, msg)
	}
	if called {
		t.Error("the output was computed before the file could be created")
	}
	if entries, _ := os.ReadDir(dir); !strings.HasPrefix(dir, "/sys/") && len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// readOnlyDir returns a directory this process cannot create files in. Root
// ignores permission bits, so as root the directory gets the immutable
// attribute (chattr +i), or, where the file system has no such attribute,
// the test uses /sys/kernel (sysfs: nobody creates files there).
func readOnlyDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o755)
	if os.Geteuid() != 0 {
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return dir
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Logf("chattr +i: %v %s; using /sys/kernel", err, out)
		if _, err := os.Stat("/sys/kernel"); err != nil {
			t.Skip("running as root without chattr or /sys: no read-only directory")
		}
		return "/sys/kernel"
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
	return dir
}

// TestWriteOutputReplacesAtomically: a regular file is replaced only when
// the whole output was written; a failure leaves the old content and no
// temporary file; a new file gets 0666 minus the umask, a replaced one
// keeps its mode.
func TestWriteOutputReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "result.csv")

	old := syscall.Umask(0o027)
	err := writeFile(out, io.Discard, formatCSV, writeString("a;b\n"))
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o640 {
		t.Errorf("a new file's mode is %v, want 0666 minus umask 027 = 0640", fi.Mode().Perm())
	}
	os.Chmod(out, 0o604)

	err = writeFile(out, io.Discard, formatCSV, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("the calculation failed")
	})
	if err == nil || err.Error() != "the calculation failed" {
		t.Errorf("the writer's own error was changed: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "a;b\n" {
		t.Errorf("a failed run changed the file: %q", b)
	}
	assertNoTemporaryFiles(t, dir)

	if err := writeFile(out, io.Discard, formatCSV, writeString("c;d\n")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(out)
	if b, _ := os.ReadFile(out); string(b) != "c;d\n" || fi.Mode().Perm() != 0o604 {
		t.Errorf("replaced file: %q, mode %v (want 0604 kept)", b, fi.Mode().Perm())
	}
	assertNoTemporaryFiles(t, dir)

	// A relative path in the working directory.
	t.Chdir(dir)
	if err := writeFile("plain.json", io.Discard, formatJSON, writeString("{}")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "plain.json")); string(b) != "{}" {
		t.Errorf("relative path: %q", b)
	}
}

func assertNoTemporaryFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestChooseFormat(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "f")
	syscall.Mkfifo(fifo, 0o644)
	all := []outputFormat{formatJSON, formatXLSX, formatCSV}
	for _, c := range []struct {
		path, named string
		want        string // format name, or part of the error
	}{
		{"", "", "json"},
		{"-", "", "json"},
		{"out.json", "", "json"},
		{"OUT.XLSX", "", "xlsx"},
		{"dir/result.csv", "", "csv"},
		{"out.pdf", "", "cannot write .pdf; use .json, .xlsx or .csv (or give --format)"},
		{"result", "", "has no extension"},
		{"out.pdf", "xlsx", "xlsx"}, // asked for by name
		{"out.xlsx", "pdf", `--format "pdf": want json, xlsx or csv`},
		{fifo, "", "json"},            // no regular file: the default
		{"/dev/stdout", "csv", "csv"}, // a device, format by name
	} {
		f, err := chooseFormat(c.path, c.named, all...)
		got := f.name
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("chooseFormat(%q, %q) = %q, want %q", c.path, c.named, got, c.want)
		}
	}
	if _, err := chooseFormat("report.csv", "", formatXLSX); err == nil || !strings.HasSuffix(err.Error(), "cannot write .csv; use .xlsx") {
		t.Errorf("batch's report as .csv (batch has no --format): %v", err)
	}
	if _, err := chooseFormat(dir, "", all...); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}

// TestBinaryOutputRefusedOnTerminal opens a pseudo-terminal: a workbook is
// not written to it, as standard output or as -o, and text is.
func TestBinaryOutputRefusedOnTerminal(t *testing.T) {
	master, slave, slaveName := openPTY(t)
	defer master.Close()
	defer slave.Close()
	go io.Copy(io.Discard, master)
	err := writeFile("", slave, formatXLSX, writeString("PK"))
	var f *failure
	if !errors.As(err, &f) || f.code != 2 || !strings.Contains(f.En, "terminal") {
		t.Errorf("xlsx to a terminal on stdout: %v", err)
	}
	if err := writeFile(slaveName, io.Discard, formatXLSX, writeString("PK")); !errors.As(err, &f) || !strings.Contains(f.En, "terminal") {
		t.Errorf("xlsx to a terminal by -o: %v", err)
	}
	if err := writeFile("", slave, formatJSON, writeString("{}\n")); err != nil {
		t.Errorf("JSON to a terminal: %v", err)
	}
	// The template command without -o on a terminal.
	var stderr bytes.Buffer
	if err := runTemplate(context.Background(), []string{"--lang", "en"}, slave, &stderr); err != exitCode(2) ||
		!strings.Contains(stderr.String(), "refusing to write xlsx to a terminal") {
		t.Errorf("template on a terminal: %v %q", err, stderr.String())
	}
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	if isTerminal(null) {
		t.Error("/dev/null taken for a terminal")
	}
}

// openPTY opens a pseudo-terminal pair (Linux).
func openPTY(t *testing.T) (master, slave *os.File, name string) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		master.Close()
		t.Skipf("TIOCGPTN: %v", e)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		master.Close()
		t.Skipf("TIOCSPTLCK: %v", e)
	}
	name = "/dev/pts/" + strconv.Itoa(int(n))
	slave, err = os.OpenFile(name, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Skipf("open %s: %v", name, err)
	}
	return master, slave, name
}

// TestOlderForms: writeOutput and reorder, the forms commands written
// before writeFile and cmdline use, go through the same safe writing.
func TestOlderForms(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link.xlsx")
	os.Symlink("real.xlsx", link)
	if err := writeOutput(link, io.Discard, writeString("PK")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "real.xlsx")); string(b) != "PK" {
		t.Errorf("the link's target holds %q", b)
	}
	var msg bytes.Buffer
	printProblem(&msg, &calc.Error{Kind: calc.Invalid, Fields: []calc.FieldError{{Field: "loan.rate", Text: calc.Text{
		Ru: "от 0 до 100",
		En: "must be 0 to 100",
	}}}}, "en")
	if msg.String() != "subsidy calc: invalid request:\n  loan.rate: must be 0 to 100\n" {
		t.Errorf("printProblem: %q", msg.String())
	}
	got := strings.Join(reorder([]string{"in.json", "-o", "out.csv", "-q", "--lang=en"}, map[string]bool{"o": true}), " ")
	if got != "-o out.csv -q --lang=en -- in.json" {
		t.Errorf("reorder: %s", got)
	}
}
