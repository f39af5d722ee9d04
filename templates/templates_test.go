package templates_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/templates"
)

// TestLayout checks the files the handlers rely on are embedded and that
// every page defines the blocks the layout renders.
func TestLayout(t *testing.T) {
	for _, name := range []string{"layout.html", "form.html", "result.html", "static/app.css", "static/app.js"} {
		if _, err := fs.Stat(templates.FS, name); err != nil {
			t.Errorf("%s not embedded: %v", name, err)
		}
	}
	pages, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if p == "layout.html" {
			continue
		}
		b, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range []string{`{{define "title"}}`, `{{define "content"`} {
			if !strings.Contains(string(b), block) {
				t.Errorf("%s does not define %s", p, block)
			}
		}
	}
}

// TestNoExternalResources: the pages must work offline, so nothing is
// loaded from another host.
func TestNoExternalResources(t *testing.T) {
	err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		s := string(b)
		for _, bad := range []string{`src="http`, `href="http`, `src="//`, `href="//`, "@import", "url(http"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s loads an external resource (%s)", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
