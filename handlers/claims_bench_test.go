package handlers_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// registerBody is a register of n loans for the third quarter of 2025:
// each the API.md loan (60 months, EAEU) with its own amount, a ledger of
// monthly repayments, an overdue span and a rate notice, so that every
// loan is claimed for three quarters of the year (1 January to the
// period's end).
func registerBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"period": {"from": "2025-07-01", "to": "2025-10-01"}, "loans": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": "L%d", "project": {"participants": [{"country": "RU", "share": "40"}, {"country": "BY", "share": "30"}, {"country": "KZ", "share": "30"}]},
 "loan": {"amount": "%d.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 60},
 "subsidy": {"programme": "eaeu-industrial"},
 "borrower": {"name": "Borrower %d", "tax_id": "77%08d"}, "contract": {"number": "KD-%d", "date": "2025-03-10"},
 "ledger": [{"type": "drawdown", "date": "2025-03-14", "amount": "%d.00"},
  {"type": "repayment", "date": "2025-04-14", "amount": "1000000.00"}, {"type": "repayment", "date": "2025-05-14", "amount": "1000000.00"},
  {"type": "repayment", "date": "2025-06-14", "amount": "1000000.00"}, {"type": "overdue", "from": "2025-07-14", "to": "2025-07-20", "amount": "1000000.00"},
  {"type": "repayment", "date": "2025-07-20", "amount": "1000000.00"}, {"type": "repayment", "date": "2025-08-14", "amount": "1000000.00"},
  {"type": "rate_change", "date": "2025-09-01", "rate": "23"}, {"type": "repayment", "date": "2025-09-14", "amount": "1000000.00"}]}`,
			i, 100_000_000+i, i, i, i, 100_000_000+i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkRegister10000 is issue 11 §3's register: 10,000 loans'
// quarterly claims through POST /api/v1/claims/register (target ≤ 5 s on
// 2 cores).
func BenchmarkRegister10000(b *testing.B) {
	s := newServer(b, handlers.Config{})
	body := registerBody(10_000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/claims/register", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.App().Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != 200 {
			var sb strings.Builder
			fmt.Fprint(&sb, resp.Body)
			b.Fatalf("status %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
}
