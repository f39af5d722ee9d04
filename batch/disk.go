package batch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ErrDiskFull: the data directory's disk has less free space than
// Options.MinFree, or a write failed for want of space.
var ErrDiskFull = errors.New("batch: the data directory's disk is full")

// DefaultMinFree is the free space the data directory must keep to accept
// an upload or start a job: room for the largest upload, the sheets
// excelize unpacks to temporary files and the report.
const DefaultMinFree = 256 << 20

// Disk is what the manager needs of the file system under the data
// directory beyond plain reads; tests swap it to simulate a full disk.
type Disk interface {
	// Free returns the bytes available to this process on dir's file
	// system.
	Free(dir string) (uint64, error)
	// Create creates (truncating) a file for writing.
	Create(path string) (File, error)
}

// File is a file being written.
type File interface {
	io.Writer
	Sync() error
	Close() error
}

// OSDisk is the real file system.
type OSDisk struct{}

// Free implements Disk with statfs(2).
func (OSDisk) Free(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// Create implements Disk.
func (OSDisk) Create(path string) (File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
}

// isDiskFull reports whether err says the disk (or the quota) is full.
func isDiskFull(err error) bool {
	return errors.Is(err, ErrDiskFull) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// checkFree returns ErrDiskFull (wrapped, with the figures) when the data
// directory has less than MinFree bytes free.
func (m *Manager) checkFree() error {
	free, err := m.opt.Disk.Free(m.opt.Dir)
	if err != nil {
		return fmt.Errorf("batch: free space of %s: %w", m.opt.Dir, err)
	}
	if free < uint64(m.opt.MinFree) {
		return fmt.Errorf("%w: %d MiB free, %d MiB needed", ErrDiskFull, free>>20, m.opt.MinFree>>20)
	}
	return nil
}

// Ready returns nil when the manager can take and run jobs: it is open,
// its data directory can be written and has MinFree bytes free. Otherwise
// the error says why (for /readyz).
func (m *Manager) Ready() error {
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := m.checkFree(); err != nil {
		return err
	}
	probe := filepath.Join(m.tmp(), ".ready")
	f, err := m.opt.Disk.Create(probe)
	if err == nil {
		_, err = f.Write([]byte("ok"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	_ = os.Remove(probe)
	if err != nil {
		if isDiskFull(err) {
			return fmt.Errorf("%w: %v", ErrDiskFull, err)
		}
		return fmt.Errorf("batch: data directory %s cannot be written: %w", m.opt.Dir, err)
	}
	return nil
}

// tmp is the manager's own temporary directory (uploads being received,
// excelize's unpacked sheets and report parts): everything in it is
// removed at start-up, so that a process killed mid-write leaves nothing
// behind for long.
func (m *Manager) tmp() string { return filepath.Join(m.opt.Dir, "tmp") }

// cleanTemp empties the temporary directory: uploads being received and
// the files of jobs that were running when the process was killed.
func (m *Manager) cleanTemp() error {
	if err := os.RemoveAll(m.tmp()); err != nil {
		return err
	}
	if err := os.Mkdir(m.tmp(), 0o700); err != nil {
		return err
	}
	// Versions before the database kept each job in a directory here;
	// they are not carried over (nor removed: the operator decides).
	ents, _ := os.ReadDir(m.opt.Dir)
	var old []string
	for _, e := range ents {
		if e.IsDir() && validID(e.Name()) {
			old = append(old, e.Name())
		}
	}
	if len(old) > 0 {
		m.log.Warn("batch: job directories of an earlier version are not served any more; remove them",
			"dir", m.opt.Dir, "jobs", len(old), "first", old[0])
	}
	return nil
}

// Upload is a batch input being received: written to the manager's
// temporary directory as it arrives, then handed to [Manager.SubmitUpload].
// It refuses more than the upload limit (ErrTooLarge) and a full disk
// (ErrDiskFull) as it goes.
type Upload struct {
	m    *Manager
	f    File
	path string
	n    int64
	max  int64
}

// NewUpload starts receiving an upload; it refuses with ErrDiskFull when
// the data directory has less than MinFree bytes free, and with ErrClosed
// after Close.
func (m *Manager) NewUpload() (*Upload, error) {
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if err := m.checkFree(); err != nil {
		return nil, err
	}
	id, err := newID()
	if err != nil {
		return nil, err
	}
	p := filepath.Join(m.tmp(), "upload-"+id)
	f, err := m.opt.Disk.Create(p)
	if err != nil {
		if isDiskFull(err) {
			return nil, fmt.Errorf("%w: %v", ErrDiskFull, err)
		}
		return nil, err
	}
	return &Upload{m: m, f: f, path: p, max: m.readOptions().MaxBytes}, nil
}

// Write appends to the upload.
func (u *Upload) Write(b []byte) (int, error) {
	if u.n+int64(len(b)) > u.max {
		return 0, ErrTooLarge
	}
	n, err := u.f.Write(b)
	u.n += int64(n)
	if err != nil && isDiskFull(err) {
		err = fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return n, err
}

// Abort drops the upload.
func (u *Upload) Abort() {
	if u.f != nil {
		_ = u.f.Close()
		u.f = nil
	}
	_ = os.Remove(u.path)
}

// finish syncs and closes the file.
func (u *Upload) finish() error {
	err := u.f.Sync()
	if cerr := u.f.Close(); err == nil {
		err = cerr
	}
	u.f = nil
	if err != nil && isDiskFull(err) {
		err = fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return err
}
