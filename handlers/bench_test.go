package handlers_test

import (
	"encoding/json"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
)

// The parts of one POST /api/v1/calculations for a 60-month EAEU loan:
//
//	go test -run - -bench . -benchmem ./handlers
func BenchmarkDecodeRequest(b *testing.B) {
	for b.Loop() {
		if _, err := wire.DecodeRequest([]byte(eaeuLoan), "ru"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCalculate(b *testing.B) {
	req, err := wire.DecodeRequest([]byte(eaeuLoan), "ru")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := calc.Calculate(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalculateInto is the API's path: every calculation fills the
// same Result (calc.Options.Into), as the handler's pool does.
func BenchmarkCalculateInto(b *testing.B) {
	req, err := wire.DecodeRequest([]byte(eaeuLoan), "ru")
	if err != nil {
		b.Fatal(err)
	}
	into := new(calc.Result)
	for b.Loop() {
		if _, err := calc.Calculate(req, calc.Options{Into: into}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResult(b *testing.B) {
	req, _ := wire.DecodeRequest([]byte(eaeuLoan), "ru")
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := json.Marshal(res); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResultFast(b *testing.B) {
	req, _ := wire.DecodeRequest([]byte(eaeuLoan), "ru")
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = wire.EncodeResult(res)
	}
}

// BenchmarkAppendResult is the server's path: encoding into a reused
// buffer.
func BenchmarkAppendResult(b *testing.B) {
	req, _ := wire.DecodeRequest([]byte(eaeuLoan), "ru")
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 64<<10)
	for b.Loop() {
		buf = wire.AppendResult(buf[:0], res)
	}
	b.SetBytes(int64(len(buf)))
}
