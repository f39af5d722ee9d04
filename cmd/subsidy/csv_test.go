package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestCalcCSVSameAsAPI: subsidy calc -o x.csv writes, byte for byte, the
// file the API's ?format=csv answers in the same language (one writer for
// every route), for an eligible and an ineligible (two-state) project.
func TestCalcCSVSameAsAPI(t *testing.T) {
	s, err := handlers.New(handlers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	twoStates := strings.Replace(calcRequest, `, {"country": "KZ", "share": "25"}`, ``, 1)
	twoStates = strings.Replace(twoStates, `"share": "35"`, `"share": "60"`, 1)
	for name, body := range map[string]string{"Eligible": calcRequest, "Ineligible": twoStates} {
		for _, lang := range []string{"ru", "en"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				dir := t.TempDir()
				req := filepath.Join(dir, "request.json")
				if err := os.WriteFile(req, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(dir, "x.csv")
				var stdout, stderr bytes.Buffer
				if err := runCalc(context.Background(), []string{req, "-o", out, "--lang", lang}, &stdout, &stderr); err != nil {
					t.Fatalf("calc: %v %s", err, stderr.String())
				}
				file, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				r := httptest.NewRequest("POST", "/api/v1/calculations?format=csv&lang="+lang, strings.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				resp, err := s.App().Test(r, -1)
				if err != nil {
					t.Fatal(err)
				}
				api, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Equal(file, api) {
					t.Errorf("status %d; calc -o x.csv and the API differ:\n%.300s\n%.300s", resp.StatusCode, file, api)
				}
				flag := map[bool]map[string]string{true: {"ru": ";да;RUB", "en": ",yes,RUB"}, false: {"ru": ";нет;RUB", "en": ",no,RUB"}}[name == "Eligible"][lang]
				if !bytes.Contains(file, []byte(flag)) {
					t.Errorf("eligible column lacks %q", flag)
				}
			})
		}
	}
}

// TestCalcJSONSameAsAPI: subsidy calc's JSON is the API's answer, byte for
// byte once the indentation is taken out (one encoder, wire.EncodeResult).
func TestCalcJSONSameAsAPI(t *testing.T) {
	s, err := handlers.New(handlers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			req := filepath.Join(dir, "request.json")
			if err := os.WriteFile(req, []byte(calcRequest), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if err := runCalc(context.Background(), []string{req, "--lang", lang}, &stdout, &stderr); err != nil {
				t.Fatalf("calc: %v %s", err, stderr.String())
			}
			var file bytes.Buffer
			if err := json.Compact(&file, stdout.Bytes()); err != nil {
				t.Fatalf("calc's output is not JSON: %v", err)
			}
			r := httptest.NewRequest("POST", "/api/v1/calculations?lang="+lang, strings.NewReader(calcRequest))
			r.Header.Set("Content-Type", "application/json")
			resp, err := s.App().Test(r, -1)
			if err != nil {
				t.Fatal(err)
			}
			api, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !bytes.Equal(file.Bytes(), bytes.TrimSpace(api)) {
				t.Errorf("status %d; calc and the API differ:\n%.300s\n%.300s", resp.StatusCode, file.Bytes(), api)
			}
		})
	}
}
