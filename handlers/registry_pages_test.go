package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// TestRegistryPages signs in with a token, sees the agreements and the
// commitments, and changes a status with the form's CSRF token; a viewer
// and a form without the token are refused.
func TestRegistryPages(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			s, viewer, officer, logs := registryServer(t, db)
			api := []string{"Content-Type", "application/json", "Authorization", "Bearer " + officer}
			a := do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-77", "date": "2025-03-10", "bank": "Bank", "status": "approved", "request": `+eaeuLoan+`}`, api...)
			if a.Status != 201 {
				t.Fatal(a)
			}
			id := regexp.MustCompile(`"id":"([0-9a-f]+)"`).FindStringSubmatch(string(a.Body))[1]

			form := "application/x-www-form-urlencoded"
			if a := do(t, s, "GET", "/registry?lang=en", ""); a.Status != 200 || !strings.Contains(string(a.Body), `id="signin-form"`) {
				t.Fatalf("signed out: %d", a.Status)
			}
			if a := do(t, s, "POST", "/registry/session?lang=en", "token=sbs_wrong", "Content-Type", form); a.Status != 401 {
				t.Errorf("a wrong token: %d", a.Status)
			}
			for _, h := range [][2]string{{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"}} {
				if a := do(t, s, "POST", "/registry/session", "token="+url.QueryEscape(officer), "Content-Type", form, h[0], h[1]); a.Status != 403 {
					t.Errorf("a cross-site sign-in (%s: %s): %d", h[0], h[1], a.Status)
				}
			}
			signIn := func(token string) (cookie, csrf string) {
				t.Helper()
				a := do(t, s, "POST", "/registry/session?lang=en", "token="+url.QueryEscape(token), "Content-Type", form)
				if a.Status != http.StatusSeeOther {
					t.Fatalf("sign in: %d %s", a.Status, a)
				}
				sc := a.Header.Get("Set-Cookie")
				if !strings.Contains(sc, "HttpOnly") || !strings.Contains(strings.ToLower(sc), "samesite=strict") {
					t.Errorf("cookie %q: want HttpOnly and SameSite=Strict", sc)
				}
				cookie = strings.SplitN(sc, ";", 2)[0]
				page := do(t, s, "GET", "/registry?lang=en", "", "Cookie", cookie)
				if page.Status != 200 || !strings.Contains(string(page.Body), "KD-77") {
					t.Fatalf("registry page: %d", page.Status)
				}
				m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(page.Body))
				if m == nil {
					t.Fatalf("no CSRF token on the page: %s", page.Body)
				}
				return cookie, m[1]
			}
			cookie, csrf := signIn(officer)
			if page := do(t, s, "GET", "/registry/agreements/"+id+"?lang=en", "", "Cookie", cookie); !strings.Contains(string(page.Body), `id="set-status"`) {
				t.Errorf("an officer's agreement page has no status form")
			}
			home := do(t, s, "GET", "/registry?lang=en&programme=eaeu-industrial", "", "Cookie", cookie)
			for _, want := range []string{"KD-77", `id="commitments"`, "officer one", "<svg"} {
				if !strings.Contains(string(home.Body), want) {
					t.Errorf("registry page lacks %q", want)
				}
			}
			post := func(cookie, body string) int {
				return do(t, s, "POST", "/registry/agreements/"+id+"/status?lang=en", body, "Content-Type", form, "Cookie", cookie).Status
			}
			if got := post(cookie, "status=closed"); got != 403 {
				t.Errorf("no CSRF token: %d, want 403", got)
			}
			if got := post(cookie, "status=closed&csrf=forged"); got != 403 {
				t.Errorf("a forged CSRF token: %d, want 403", got)
			}
			if got := post(cookie, "status=closed&csrf="+url.QueryEscape(csrf)); got != http.StatusSeeOther {
				t.Errorf("officer with the CSRF token: %d, want 303", got)
			}
			if got, _ := db.Agreement(t.Context(), id); got.Status != "closed" {
				t.Errorf("status %q, want closed", got.Status)
			}
			vcookie, vcsrf := signIn(viewer)
			if page := do(t, s, "GET", "/registry/agreements/"+id+"?lang=en", "", "Cookie", vcookie); strings.Contains(string(page.Body), `id="set-status"`) {
				t.Errorf("a viewer's agreement page has a status form")
			}
			if got := post(vcookie, "status=approved&csrf="+url.QueryEscape(vcsrf)); got != 403 {
				t.Errorf("viewer: %d, want 403", got)
			}
			if a := do(t, s, "GET", "/registry/commitments.xlsx?programme=eaeu-industrial", "", "Cookie", cookie); a.Status != 200 || len(a.Body) < 1000 {
				t.Errorf("workbook: %d, %d bytes", a.Status, len(a.Body))
			}
			for _, secret := range []string{viewer, officer, strings.TrimPrefix(cookie, "subsidy_session=")} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("a secret appears in the log")
				}
			}
		})
	}
}

var _ = handlers.Config{}
