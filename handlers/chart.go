package handlers

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Geometry of the chart, in SVG user units (the viewBox scales it to the
// page width).
const (
	chartW      = 800
	chartLeft   = 112 // room for axis labels ("750 млн" at the phone's font size)
	chartRight  = 12
	chartTop    = 14 // the legend is HTML, above the drawing
	panelH      = 130
	panelGap    = 36
	chartBottom = 34 // room for the year labels
)

// chartSVG draws the schedule as inline SVG on the server: the balance as
// an area (top panel) and each period's interest with the payable subsidy
// inside it as bars (bottom panel; an ineligible loan has none), years
// along the x axis. Colours come from the page's CSS classes (c-*); the
// legend is HTML beside it (chartLegend). It has a title and a description
// for screen readers.
func chartSVG(res *calc.Result, lang string) template.HTML {
	n := len(res.Schedule)
	if n == 0 {
		return ""
	}
	height := chartTop + panelH + panelGap + panelH + chartBottom
	plotW := float64(chartW - chartLeft - chartRight)
	step := plotW / float64(n)
	x := func(i int) float64 { return chartLeft + step*float64(i) }

	var maxBal, maxInt, maxSub calc.Money
	for _, p := range res.Schedule {
		maxBal = max(maxBal, p.OpeningBalance+p.Drawdown, p.ClosingBalance)
		maxInt = max(maxInt, p.Interest)
		maxSub = max(maxSub, p.SubsidyPayable)
	}
	balStep, balTicks := niceTicks(float64(maxBal) / 100)
	intStep, intTicks := niceTicks(float64(maxInt) / 100)
	balTop, intTop := balStep*float64(balTicks), intStep*float64(intTicks)
	top1 := float64(chartTop)
	top2 := float64(chartTop + panelH + panelGap)
	yBal := func(m calc.Money) float64 { return top1 + panelH - float64(m)/100/balTop*panelH }
	yInt := func(m calc.Money) float64 { return top2 + panelH - float64(m)/100/intTop*panelH }

	var b strings.Builder
	title := T(lang, "res.chart")
	desc := fmt.Sprintf(T(lang, "chart.desc"),
		FormatMoney(res.Schedule[0].OpeningBalance+res.Schedule[0].Drawdown, lang)+" "+res.Currency,
		FormatMoney(res.Schedule[n-1].ClosingBalance, lang)+" "+res.Currency,
		FormatMoney(maxInt, lang), FormatMoney(maxSub, lang))
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, chartW, height)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, esc(title), esc(desc))

	// Grid and axis labels of both panels.
	grid := func(top, step float64, ticks int) {
		for k := 0; k <= ticks; k++ {
			y := top + panelH - float64(k)/float64(ticks)*panelH
			fmt.Fprintf(&b, `<line class="c-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y, y)
			fmt.Fprintf(&b, `<text class="c-axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y+4, esc(formatCompact(step*float64(k), lang)))
		}
	}
	grid(top1, balStep, balTicks)
	grid(top2, intStep, intTicks)

	// Balance area: a step shape, the balance of each period over its width.
	var path strings.Builder
	fmt.Fprintf(&path, "M%.1f %.1f", x(0), top1+panelH)
	for i, p := range res.Schedule {
		y := yBal(p.OpeningBalance + p.Drawdown)
		fmt.Fprintf(&path, " L%.1f %.1f L%.1f %.1f", x(i), y, x(i+1), y)
	}
	fmt.Fprintf(&path, " L%.1f %.1f Z", x(n), top1+panelH)
	fmt.Fprintf(&b, `<path class="c-balance" d="%s"/>`, path.String())

	// Interest and subsidy bars.
	bw := math.Max(step*0.78, 0.6)
	for i, p := range res.Schedule {
		bx := x(i) + (step-bw)/2
		yi := yInt(p.Interest)
		fmt.Fprintf(&b, `<rect class="c-interest bar" x="%.2f" y="%.1f" width="%.2f" height="%.1f"/>`, bx, yi, bw, top2+panelH-yi)
		if p.SubsidyPayable > 0 {
			ys := yInt(p.SubsidyPayable)
			fmt.Fprintf(&b, `<rect class="c-subsidy bar" x="%.2f" y="%.1f" width="%.2f" height="%.1f"/>`, bx, ys, bw, top2+panelH-ys)
		}
	}

	// Years: a tick where the first payment of each year falls.
	last := 0
	minGap := 64.0 // a label is up to ~56 units wide at the phone's font size
	lastX := -minGap
	for i, p := range res.Schedule {
		y := p.End.Year()
		if y == last {
			continue
		}
		last = y
		tx := x(i)
		fmt.Fprintf(&b, `<line class="c-tick" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>`, tx, tx, chartTop, height-chartBottom)
		if tx-lastX >= minGap && chartW-chartRight-tx >= minGap-8 {
			fmt.Fprintf(&b, `<text class="c-axis" x="%.1f" y="%d">%d</text>`, tx+3, height-10, y)
			lastX = tx
		}
	}
	fmt.Fprintf(&b, `<line class="c-base" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, top1+panelH, top1+panelH)
	fmt.Fprintf(&b, `<line class="c-base" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, top2+panelH, top2+panelH)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped text only
}

func esc(s string) string { return html.EscapeString(s) }

// chartLegend names the chart's colours in lang.
func chartLegend(lang string) []legendItem {
	return []legendItem{
		{"c-balance", T(lang, "chart.balance")},
		{"c-interest", T(lang, "chart.interest")},
		{"c-subsidy", T(lang, "chart.payable")},
	}
}

// niceTicks chooses a round step (1, 2, 2.5 or 5 times a power of ten)
// and the number of steps, 2 to 4, whose product is at least v: the axis
// of a panel that shows values up to v. niceTicks(1e9) is (2.5e8, 4),
// niceTicks(2.1e7) (1e7, 3).
func niceTicks(v float64) (step float64, ticks int) {
	if v < 1 {
		v = 1
	}
	raw := v / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw*(1-1e-12) {
			step = m * p
			break
		}
	}
	ticks = int(math.Ceil(v/step - 1e-9))
	return step, max(ticks, 1)
}
