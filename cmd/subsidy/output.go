package main

// Every command that writes a file writes it here: choosing the format,
// refusing binary output to a terminal, and writing so that the target is
// never harmed (see writeFile).

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// outputFormat is one kind of output a command writes.
type outputFormat struct {
	name   string // --format's value
	ext    string // the file extension without the dot, when not name
	binary bool   // never written to a terminal
}

func (f outputFormat) extension() string {
	if f.ext != "" {
		return f.ext
	}
	return f.name
}

var (
	formatJSON = outputFormat{name: "json"}
	formatCSV  = outputFormat{name: "csv"}
	formatXLSX = outputFormat{name: "xlsx", binary: true}
	formatText = outputFormat{name: "text", ext: "txt"}
)

// chooseFormat decides what to write to path ("" or "-": standard output)
// from the --format flag (named, if not empty) or else from path's
// extension; formats[0] is the default for standard output and for a
// target that is no regular file (a device such as /dev/null, a fifo).
// An extension the command cannot write is refused, so that "-o
// result.pdf" is an error and not JSON in a file named .pdf.
func chooseFormat(path, named string, formats ...outputFormat) (outputFormat, error) {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	if named != "" {
		i := slices.Index(names, strings.ToLower(named))
		if i < 0 {
			return outputFormat{}, &failure{code: 2, Text: calc.Text{
				Ru: fmt.Sprintf("--format %q: допустимо %s", named, orList(names, "или")),
				En: fmt.Sprintf("--format %q: want %s", named, orList(names, "or")),
			}}
		}
		return formats[i], nil
	}
	if path == "" || path == "-" {
		return formats[0], nil
	}
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	for _, f := range formats {
		if f.extension() == ext {
			return f, nil
		}
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return outputFormat{}, usagef(calc.Text{Ru: "-o %s: это каталог", En: "-o %s: is a directory"}, path)
	case err == nil && !fi.Mode().IsRegular(), isSystemPath(path):
		return formats[0], nil
	}
	exts := make([]string, len(formats))
	for i, f := range formats {
		exts[i] = "." + f.extension()
	}
	orFormat, orFormatRu := " (or give --format)", " (или --format)"
	if len(formats) == 1 { // the command writes one format and has no --format
		orFormat, orFormatRu = "", ""
	}
	if ext == "" {
		return outputFormat{}, &failure{code: 2, Text: calc.Text{
			Ru: fmt.Sprintf("-o %s: у имени нет расширения; укажите %s%s", path, orList(exts, "или"), orFormatRu),
			En: fmt.Sprintf("-o %s: the name has no extension; use %s%s", path, orList(exts, "or"), orFormat),
		}}
	}
	return outputFormat{}, &failure{code: 2, Text: calc.Text{
		Ru: fmt.Sprintf("-o %s: не умею писать .%s; укажите %s%s", path, ext, orList(exts, "или"), orFormatRu),
		En: fmt.Sprintf("-o %s: cannot write .%s; use %s%s", path, ext, orList(exts, "or"), orFormat),
	}}
}

// orList joins "a, b or c" with the conjunction given.
func orList(s []string, or string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " " + or + " " + s[len(s)-1]
}

// writeFile writes the output of write to path, or to stdout for "" and
// "-", without harming what path names:
//
//   - A new path or a regular file is written through a temporary file in
//     the same directory, renamed over path at the end: a failed or
//     interrupted run leaves the old file as it was and no half-written
//     one. A new file gets the usual mode (0666 minus the umask); a replaced
//     one keeps its permission bits, and must be writable, as for a shell's
//     >. The replacement is a new file: it belongs to the user running the
//     command, and other hard links keep the old content.
//   - A symbolic link is followed: its target is written as above (so the
//     link stays a link); a dangling link's target is created.
//   - Anything else (a device such as /dev/null, a fifo, a socket), and
//     every path under /dev and /proc (/dev/stdout, /dev/fd/3, whatever
//     file they lead to), is opened for appending and written in place,
//     never replaced: renaming over /dev/null would turn it into a regular
//     file for the whole machine, and "-o /dev/stdout >> log" must add to
//     the log.
//   - Binary output (xlsx) to a terminal is refused before anything is
//     computed or written.
//
// Errors name path as the user gave it, never the temporary file.
func writeFile(path string, stdout io.Writer, f outputFormat, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		if f.binary && isTerminal(stdout) {
			return usagef(calc.Text{
				Ru: "не пишу %s в терминал; укажите -o ФАЙЛ или перенаправьте вывод",
				En: "refusing to write %s to a terminal; use -o FILE or redirect the output",
			}, f.name)
		}
		return write(stdout)
	}
	if isSystemPath(path) {
		// /dev/stdout, /dev/fd/3, /proc/self/fd/1: the file the shell
		// opened (perhaps with >>), never one to replace.
		return writeInPlace(path, path, f, write)
	}
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil {
			// A dangling link (or a loop): open through it, which creates
			// the target of a dangling link.
			return writeInPlace(path, path, f, write)
		}
		target = resolved
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return &fs.PathError{Op: "open", Path: path, Err: errors.New("is a directory")}
	case err == nil && !fi.Mode().IsRegular():
		return writeInPlace(path, target, f, write)
	case err == nil:
		// Replacing a file takes the right to write it, not only its
		// directory's, as a shell's > would.
		w, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return renamePath(err, path, target)
		}
		w.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return renamePath(err, path, target)
	default:
		fi = nil
	}
	return writeReplacing(path, target, fi, write)
}

// writeReplacing writes target through a temporary file renamed over it;
// old is target's current state (nil when it does not exist).
func writeReplacing(path, target string, old fs.FileInfo, write func(io.Writer) error) error {
	dir, base := filepath.Split(target)
	var tmp *os.File
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(uint64(rand.Uint32()), 10)+".tmp")
		// 0666: the kernel applies the umask, as for any new file.
		tmp, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return renamePath(err, path, target, filepath.Join(dir, "."+base))
	}
	name := tmp.Name()
	err = write(tmp)
	if err == nil && old != nil {
		err = tmp.Chmod(old.Mode().Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, target)
	}
	if err != nil {
		os.Remove(name)
		return renamePath(err, path, target, name)
	}
	return nil
}

// writeInPlace writes into what already exists at target (a device, a
// fifo, a file the shell opened) without replacing it; appending, so that
// a file opened with >> is added to (for the others it makes no
// difference).
func writeInPlace(path, target string, f outputFormat, write func(io.Writer) error) error {
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return renamePath(err, path, target)
	}
	if f.binary && isTerminal(out) {
		out.Close()
		return usagef(calc.Text{
			Ru: "не пишу %s в терминал (%s)",
			En: "refusing to write %s to a terminal (%s)",
		}, f.name, path)
	}
	err = write(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return renamePath(err, path, target)
}

// isSystemPath reports whether path is under /dev or /proc, where files are
// the system's (devices, a process's open files), never to be replaced.
func isSystemPath(path string) bool {
	abs, err := filepath.Abs(path)
	return err == nil && (strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/"))
}

// renamePath names the user's path in an error about a file this code
// touched in its stead (the temporary file, a link's target; touched
// entries ending in "." match by prefix), so that a message never names
// ".out.xlsx.164963058.tmp". Other errors (reading the input, a
// calculation) pass unchanged.
func renamePath(err error, path string, touched ...string) error {
	if err == nil {
		return nil
	}
	match := func(p string) bool {
		for _, t := range touched {
			if p == t || strings.HasPrefix(p, t+".") {
				return true
			}
		}
		return false
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && match(pe.Path) {
		return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) && (match(le.Old) || match(le.New)) {
		return &fs.PathError{Op: "write", Path: path, Err: le.Err}
	}
	return err
}

// isTerminal reports whether w is a terminal (a character device other
// than /dev/null and the like is taken as one).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

// writeOutput is writeFile for a command that chose its format itself
// (the form commands had before writeFile took one): a .xlsx path is
// taken as binary, anything else as text. A command that may write a
// workbook to standard output calls writeFile, so that it is refused on a
// terminal.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	f := formatJSON
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		f = formatXLSX
	}
	return writeFile(path, stdout, f, write)
}
