// Package templates holds the web pages' HTML templates and their static
// files (CSS, JavaScript), embedded so that the binary needs no files
// beside it.
//
// Layout: layout.html defines the page frame ("layout") and shared
// partials; every other *.html file is a page that defines "title" and
// "content" and is rendered inside the frame. static/ is served at
// /static/.
package templates

import "embed"

// FS holds the templates (*.html) and static/.
//
//go:embed *.html static
var FS embed.FS
