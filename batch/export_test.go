package batch

// HoldChecks takes every header-check slot of m until release is called,
// as uploads being checked would.
func HoldChecks(m *Manager) (release func()) {
	for range cap(m.checks) {
		m.checks <- struct{}{}
	}
	return func() {
		for range cap(m.checks) {
			<-m.checks
		}
	}
}

// Kill stops m as a killed process would: its running jobs stay "running"
// under its lease in the database (nothing is released) and its lease is
// no longer renewed.
func Kill(m *Manager) {
	m.mu.Lock()
	m.killed = true
	m.mu.Unlock()
	m.cancel()
	m.wg.Wait()
}
