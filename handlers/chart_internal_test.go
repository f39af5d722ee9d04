package handlers

import "testing"

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		v     float64
		step  float64
		ticks int
	}{
		{1e9, 2.5e8, 4},
		{2.1e7, 1e7, 3},
		{0, 0.25, 4},
		{999, 250, 4},
		{1001, 500, 3},
	} {
		step, ticks := niceTicks(tc.v)
		if step != tc.step || ticks != tc.ticks {
			t.Errorf("niceTicks(%g) = %g, %d; want %g, %d", tc.v, step, ticks, tc.step, tc.ticks)
		}
		if step*float64(ticks) < tc.v {
			t.Errorf("niceTicks(%g): axis %g below the value", tc.v, step*float64(ticks))
		}
	}
}
