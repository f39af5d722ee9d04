package calc_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuNow is the CPU time this process has used (user and system, every
// thread, so the collector's work counts too). On a shared machine it is
// steadier than the wall clock: time spent waiting for a core is left out.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuRatio runs a and b in alternating blocks of n calls and reports the
// CPU time of b over that of a as metric.
func cpuRatio(b *testing.B, n int, metric string, base, other func()) {
	var ta, tb time.Duration
	for b.Loop() {
		t0 := cpuNow()
		for range n {
			base()
		}
		t1 := cpuNow()
		for range n {
			other()
		}
		ta += t1 - t0
		tb += cpuNow() - t1
	}
	if ta > 0 {
		b.ReportMetric(float64(tb)/float64(ta), metric)
	}
}
