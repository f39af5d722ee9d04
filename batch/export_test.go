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
