package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
)

// resultFormURL is the form filled in with a 60-month rouble loan under
// eaeu-industrial whose participants come from countries (two states
// fail min_member_states).
func resultFormURL(base, lang, amount string, countries ...string) string {
	v := url.Values{
		"project.name": {"Электробусы"}, "loan.amount": {amount}, "loan.currency": {"RUB"},
		"loan.rate": {"24,5"}, "loan.issue_date": {"2025-03-14"}, "loan.term_months": {"60"},
		"loan.repayment": {"annuity"}, "loan.frequency": {"monthly"}, "loan.day_count": {"act/act"},
		"subsidy.programme": {"eaeu-industrial"}, "lang": {lang},
	}
	shares := map[int][]string{2: {"60", "40"}, 3: {"40", "35", "25"}}[len(countries)]
	for i, c := range countries {
		v.Set(fmt.Sprintf("project.participants[%d].name", i), "Завод "+c)
		v.Set(fmt.Sprintf("project.participants[%d].country", i), c)
		v.Set(fmt.Sprintf("project.participants[%d].share", i), shares[i])
	}
	return base + "/?" + v.Encode()
}

// overflowJS lists the visible elements whose right edge is past the
// viewport and that are not inside a horizontal scroll container (at most
// 10), and the page's own horizontal overflow.
const overflowJS = `(() => {
  const vw = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 0.5) continue;
    let p = el.parentElement, inside = false;
    for (; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') { inside = true; break; }
    }
    if (!inside && bad.length < 10) bad.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '') +
      ' right=' + Math.round(r.right) + ' "' + (el.textContent || '').trim().slice(0, 30) + '"');
  }
  return {viewport: vw, pageWidth: document.documentElement.scrollWidth, bad: bad};
})()`

// cutJS measures the by-year and schedule tables' frames at the current
// width: a table wider than its frame hides columns behind a scroll bar.
const cutJS = `(() => ['#years .table-scroll', '#schedule .table-scroll'].map(sel => {
  const el = document.querySelector(sel), table = el.querySelector('table');
  const scroll = el.scrollWidth, client = el.clientWidth;
  table.style.width = 'min-content'; // the least width that shows every cell
  const natural = table.getBoundingClientRect().width;
  table.style.width = '';
  return {sel: sel, scroll: scroll, client: client, natural: Math.round(natural),
          cols: el.querySelectorAll('thead th').length};
}))()`

type overflowReport struct {
	Viewport  int      `json:"viewport"`
	PageWidth int      `json:"pageWidth"`
	Bad       []string `json:"bad"`
}

type frameReport struct {
	Sel     string `json:"sel"`
	Scroll  int    `json:"scroll"`
	Client  int    `json:"client"`
	Natural int    `json:"natural"`
	Cols    int    `json:"cols"`
}

// TestResultPagesFit drives the form and the result page of an eligible
// and an ineligible (two-state) project in headless Chromium at a
// desktop (1366 px) and a phone (390 px) width: the ineligible result
// leads with its verdict and payable 0 and names the failed condition;
// nothing on the phone overflows outside a scroll container; at 1366 px
// the by-year and schedule tables show every column. With
// SUBSIDY_SCREENSHOTS=dir it saves a screenshot of every page and width;
// with SUBSIDY_DOC_IMG=file.png the small PNG of docs/img.
func TestResultPagesFit(t *testing.T) {
	ctx := newBrowser(t)
	s := newServer(t, handlers.Config{Workbook: report.WriteCalculation})
	base := listen(t, s)

	for _, w := range []struct {
		name          string
		width, height int64
		phone         bool
	}{{"desktop", 1366, 900, false}, {"phone", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{}
		if w.phone {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, w.height, opts...)); err != nil {
			t.Fatalf("viewport: %v", err)
		}
		for _, lang := range []string{"ru", "en"} {
			t.Run(w.name+"/"+lang+"/Form", func(t *testing.T) {
				if err := chromedp.Do(ctx, chromedp.Navigate(base+"/?lang="+lang), chromedp.WaitVisible(chromedp.CSS("#loan-amount"))); err != nil {
					t.Fatalf("form: %v", err)
				}
				checkOverflow(t, ctx)
				screenshot(t, ctx, fmt.Sprintf("form-%s-%d", lang, w.width))
				// The rule's fields show only with the custom programme.
				if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#subsidy-rule-base_share"), chromedp.AtLeast(0))); err != nil || len(n) != 1 {
					t.Fatalf("rule fields: %d (%v)", len(n), err)
				}
				visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#rule-fields').offsetParent !== null`))
				if err != nil || visible {
					t.Errorf("rule fields visible under eaeu-industrial (%v)", err)
				}
				err = chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#subsidy-programme"), "custom"),
					chromedp.Evaluate[chromedp.Void](`document.querySelector('#subsidy-programme').dispatchEvent(new Event('change'))`),
					chromedp.WaitVisible(chromedp.CSS("#subsidy-rule-base_share")))
				if err != nil {
					t.Fatalf("custom programme: %v", err)
				}
				checkOverflow(t, ctx)
				screenshot(t, ctx, fmt.Sprintf("form-custom-%s-%d", lang, w.width))
			})
			for _, tc := range []struct {
				name, amount string
				countries    []string
				eligible     bool
			}{
				{"Eligible", "1 000 000 000", []string{"BY", "RU", "KZ"}, true},
				{"Ineligible", "1 000 000 000", []string{"BY", "RU"}, false},
				// 8 bn: the cap cuts the rule's subsidy, a column more
				{"IneligibleCapped", "8 000 000 000", []string{"BY", "RU"}, false},
			} {
				t.Run(w.name+"/"+lang+"/"+tc.name, func(t *testing.T) {
					err := chromedp.Do(ctx,
						chromedp.Navigate(resultFormURL(base, lang, tc.amount, tc.countries...)),
						chromedp.WaitVisible(chromedp.CSS("#submit")),
						chromedp.Click(chromedp.CSS("#submit")),
						chromedp.WaitVisible(chromedp.CSS("#result")))
					if err != nil {
						t.Fatalf("submit: %v", err)
					}
					headline := text(t, ctx, "#h-headline")
					payable := attr(t, ctx, "#total-subsidy", "data-value")
					if tc.eligible {
						if payable == "0.00" || strings.Contains(strings.ToLower(headline), "not eligible") {
							t.Errorf("eligible project: headline %q, payable %s", headline, payable)
						}
					} else {
						want := map[string]string{"ru": "не соответствует условиям программы", "en": "not eligible"}[lang]
						if !strings.Contains(strings.ToLower(headline), want) || payable != "0.00" {
							t.Errorf("ineligible project: headline %q, payable %s", headline, payable)
						}
						if got := text(t, ctx, "#verdict li[data-code=min_member_states]"); !strings.Contains(got, "2") {
							t.Errorf("failed condition %q", got)
						}
						// The verdict comes first, the payable 0 is not green,
						// the would-be amount is there and labelled.
						type orderReport struct {
							Verdict, Payable float64
							Color            string
						}
						order, err := chromedp.Run(ctx, chromedp.Evaluate[orderReport](`({
							verdict: document.querySelector('#verdict').getBoundingClientRect().top,
							payable: document.querySelector('#total-subsidy').getBoundingClientRect().top,
							color: getComputedStyle(document.querySelector('#total-subsidy')).color})`))
						if err != nil {
							t.Fatal(err)
						}
						if order.Verdict >= order.Payable || order.Color == "rgb(47, 143, 91)" {
							t.Errorf("verdict at %.0f, payable at %.0f in %s", order.Verdict, order.Payable, order.Color)
						}
						if v := attr(t, ctx, "#subsidy-if-eligible", "data-value"); v == "0.00" {
							t.Error("the would-be subsidy is 0")
						}
					}
					checkOverflow(t, ctx)
					if !w.phone {
						frames, err := chromedp.Run(ctx, chromedp.Evaluate[[]frameReport](cutJS))
						if err != nil {
							t.Fatal(err)
						}
						for _, f := range frames {
							t.Logf("%s: %d columns, table %d px (needs %d) in a %d px frame", f.Sel, f.Cols, f.Scroll, f.Natural, f.Client)
							if f.Scroll > f.Client {
								t.Errorf("%s: table %d px wide in a %d px frame: columns hidden (%d columns)", f.Sel, f.Scroll, f.Client, f.Cols)
							}
						}
					}
					name := fmt.Sprintf("result-%s-%s-%d", strings.ToLower(tc.name), lang, w.width)
					screenshot(t, ctx, name)
					if p := os.Getenv("SUBSIDY_DOC_IMG"); p != "" && tc.name == "Ineligible" && lang == "ru" && !w.phone {
						docImage(t, ctx, p)
					}
				})
			}
		}
	}
}

func checkOverflow(t *testing.T, ctx context.Context) {
	t.Helper()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[overflowReport](overflowJS))
	if err != nil {
		t.Fatal(err)
	}
	if r.PageWidth > r.Viewport || len(r.Bad) > 0 {
		t.Errorf("page %d px wide in a %d px viewport; outside scroll containers: %s", r.PageWidth, r.Viewport, strings.Join(r.Bad, "; "))
	}
}

// docImage saves the top of the page (verdict, figures, checks) as a
// small palette PNG: UI screenshots have few colours, so the 256 most
// frequent, each pixel mapped to the nearest, keep it sharp.
func docImage(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 1100)); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	cols := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		cols = append(cols, c)
	}
	sort.Slice(cols, func(i, j int) bool { return counts[cols[i]] > counts[cols[j]] })
	pal := color.Palette{}
	for _, c := range cols[:min(256, len(cols))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	cache := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := cache[c]
			if !ok {
				i = uint8(pal.Index(c))
				cache[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes", path, buf.Len())
}
