package handlers

import (
	"runtime"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
)

// Slots bound the calculations computed at once in the process: single
// calculations (the routes behind Server.limit) and batch rows alike, so
// that a batch job never starves the calculator. cmd creates one with
// [NewSlots] and hands it to both the server (Config.Slots) and the batch
// manager (batch.Options.Calculate = slots.Calculate(rates)).
type Slots struct{ ch chan struct{} }

// NewSlots returns n slots; n ≤ 0 is 4 × GOMAXPROCS.
func NewSlots(n int) *Slots {
	if n <= 0 {
		n = defaultMaxInFlightMult * runtime.GOMAXPROCS(0)
	}
	return &Slots{ch: make(chan struct{}, n)}
}

// Acquire takes a slot, waiting as long as it takes.
func (s *Slots) Acquire() { s.ch <- struct{}{} }

// AcquireWithin takes a slot, waiting at most d; it reports whether it got
// one.
func (s *Slots) AcquireWithin(d time.Duration) bool {
	select {
	case s.ch <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case s.ch <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// Release gives back a slot taken by Acquire or AcquireWithin.
func (s *Slots) Release() { <-s.ch }

// Calculate is a batch row calculator with rates that holds one slot while
// it computes.
func (s *Slots) Calculate(rates *calc.RateBook) batch.CalculateFunc {
	return func(req *calc.Request, into *calc.Result) (*calc.Result, error) {
		s.Acquire()
		defer s.Release()
		return calc.Calculate(req, calc.Options{Rates: rates, Into: into})
	}
}
