package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"
)

// CompareWorkbookFunc writes the Excel report of a comparison to w in lang
// (report.WriteComparison provides it).
type CompareWorkbookFunc func(w io.Writer, req *calc.Request, cmp *calc.Comparison, lang string) error

// programmeRoutes registers the comparison and scenario routes (SPEC §9–10).
func (s *Server) programmeRoutes(api, app fiber.Router) {
	api.Post("/comparisons", s.limit, s.postComparison)
	api.Get("/scenarios", s.getScenarios)
	app.Get("/compare", s.limit, s.getComparePage)
}

// scenariosBody is the answer of GET /api/v1/scenarios.
type scenariosBody struct {
	Scenarios []calc.Scenario `json:"scenarios"`
}

// getScenarios is GET /api/v1/scenarios: the built-in policy-rate
// scenarios with their paths, source and publication date.
func (s *Server) getScenarios(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(scenariosBody{Scenarios: calc.Scenarios()})
}

// compare runs calc.Compare with the server's rate book; its error keeps
// the request's language (see Server.calculate).
func (s *Server) compare(req *calc.Request) (*calc.Comparison, error) {
	cmp, err := calc.Compare(req, calc.Options{Rates: s.cfg.Rates})
	if err != nil {
		var ce *calc.Error
		if errors.As(err, &ce) && ce.Kind == calc.Invalid {
			s.metrics.calculation("invalid")
		} else {
			s.metrics.calculation("error")
		}
		lang := LangRu
		if req.Lang == LangEn {
			lang = LangEn
		}
		return nil, &langError{err: err, lang: lang}
	}
	s.metrics.calculation("ok")
	return cmp, nil
}

// postComparison is POST /api/v1/comparisons (API.md "Comparing
// programmes"): a calculation request without subsidy.programme, or with
// "programmes": [...]; ?format=xlsx answers the workbook.
func (s *Server) postComparison(c *fiber.Ctx) error {
	lang := Lang(c)
	format := formatJSON
	if f := strings.ToLower(c.Query("format")); f == formatXLSX || strings.Contains(c.Get(fiber.HeaderAccept), mimeXLSX) {
		format = formatXLSX
	} else if f != "" && f != formatJSON {
		p := NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
			calc.Text{Ru: "неизвестный формат; допустимые: json, xlsx", En: "unknown format; allowed: json, xlsx"}.In(lang))
		p.Errors = []FieldProblem{{Field: "format", Message: calc.Text{Ru: "допустимые значения: json, xlsx", En: "allowed values: json, xlsx"}.In(lang)}}
		return p
	}
	if format == formatXLSX && s.cfg.CompareWorkbook == nil {
		return NewProblem(http.StatusNotAcceptable, TypeUnsupportedFormat, lang,
			calc.Text{Ru: "отчёт Excel в этой сборке недоступен", En: "the Excel report is not available in this build"}.In(lang))
	}
	if err := s.checkBody(c, lang, isJSONType, mimeJSON); err != nil {
		return err
	}
	req, err := wire.DecodeRequest(c.Body(), lang)
	if err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = lang
	}
	cmp, err := s.compare(req)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == formatXLSX {
		return s.sendCompareWorkbook(c, req, cmp)
	}
	return c.JSON(cmp)
}

func (s *Server) sendCompareWorkbook(c *fiber.Ctx, req *calc.Request, cmp *calc.Comparison) error {
	var b bytes.Buffer
	if err := s.cfg.CompareWorkbook(&b, req, cmp, req.Lang); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="subsidy-comparison.xlsx"`)
	return c.Send(b.Bytes())
}

// comparePage is the data of templates/compare.html.
type comparePage struct {
	pageData
	Req        *calc.Request
	Cmp        *calc.Comparison
	LoanAmount calc.Money
	LoanRate   decimal.Decimal
	Rows       []compareRow
	Chart      template.HTML
	Errors     []string
	EditURL    string
	XLSXURL    string
	Empty      bool
}

type compareRow struct {
	calc.ComparedProgramme
	Rule       []string
	Confidence string
	Best       bool
}

// getComparePage is GET /compare: the calculator form's fields in the
// query (the result page links here with them) give the loan; the page
// shows it once, the programmes in a table, best first, and a chart of
// the payable subsidy by year. ?format=xlsx answers the workbook.
func (s *Server) getComparePage(c *fiber.Ctx) error {
	lang := Lang(c)
	v := readFormValues(c, true)
	page := comparePage{pageData: newPageData(lang, "/compare?"+v.encode()), EditURL: "/?" + v.encode() + "&lang=" + lang}
	if len(v) == 0 {
		page.Empty = true
		return s.render(c, http.StatusOK, "compare.html", page)
	}
	req, rowOf, errs := parseForm(v, lang)
	if len(errs) == 0 {
		req.Lang = lang
		cmp, err := s.compare(req)
		if err == nil {
			if c.Query("format") == formatXLSX && s.cfg.CompareWorkbook != nil {
				return s.sendCompareWorkbook(c, req, cmp)
			}
			s.fillComparePage(&page, req, cmp, v)
			return s.render(c, http.StatusOK, "compare.html", page)
		}
		var ce *calc.Error
		if !errors.As(err, &ce) || ce.Kind != calc.Invalid {
			return err
		}
		mergeCalcErrors(errs, ce, rowOf, lang, false)
	}
	for field, msgs := range errs {
		for _, m := range msgs {
			page.Errors = append(page.Errors, field+": "+m)
		}
	}
	return s.render(c, http.StatusUnprocessableEntity, "compare.html", page)
}

func (s *Server) fillComparePage(page *comparePage, req *calc.Request, cmp *calc.Comparison, v formValues) {
	lang := page.Lang
	page.Req, page.Cmp = req, cmp
	page.LoanAmount, _ = calc.MoneyFromDecimal(req.Loan.Amount)
	if req.Loan.Rate != nil {
		page.LoanRate = *req.Loan.Rate
	}
	if s.cfg.CompareWorkbook != nil {
		page.XLSXURL = "/compare?" + v.encode() + "&lang=" + lang + "&format=xlsx"
	}
	best := true
	for _, p := range cmp.Programmes {
		row := compareRow{ComparedProgramme: p, Rule: calc.RuleText(p.Rule, lang), Confidence: T(lang, "cmp.confidence."+p.Confidence)}
		if pr, ok := calc.LookupProgramme(p.ID); ok {
			row.Name = pr.Name().In(lang)
		}
		if p.Eligible && best && p.SubsidyPayable > 0 {
			row.Best, best = true, false
		}
		page.Rows = append(page.Rows, row)
	}
	page.Chart = compareChartSVG(cmp, lang)
}

// formScenarios reads the form's optional "scenarios" field: built-in
// scenario names separated by commas ("low,base,high").
func formScenarios(v string) []calc.ScenarioRef {
	var refs []calc.ScenarioRef
	for _, name := range strings.Split(v, ",") {
		if name = strings.TrimSpace(name); name != "" && len(refs) < 10 {
			refs = append(refs, calc.ScenarioRef{Name: name})
		}
	}
	return refs
}

// seriesFills colour the programmes in the comparison chart (presentation
// attributes: the page's CSP allows no inline style).
var seriesFills = []string{"#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b7950b", "#34495e"}

// compareChartSVG draws the payable subsidy by year of every eligible
// programme that pays something, as grouped bars, server-side.
func compareChartSVG(cmp *calc.Comparison, lang string) template.HTML {
	var series []calc.ComparedProgramme
	for _, p := range cmp.Programmes {
		if p.Eligible && p.SubsidyPayable > 0 && len(series) < len(seriesFills) {
			series = append(series, p)
		}
	}
	if len(series) == 0 || len(series[0].Years) == 0 {
		return ""
	}
	years := series[0].Years
	var top calc.Money
	for _, p := range series {
		for _, y := range p.Years {
			top = max(top, y.SubsidyPayable)
		}
	}
	legendRows := (len(series) + 2) / 3
	const w, left, right, plotH, bottom = 800, 78, 12, 220, 26
	topY := 14 + 20*legendRows
	height := topY + plotH + bottom
	step, ticks := niceTicks(float64(top) / 100)
	maxV := step * float64(ticks)
	groupW := float64(w-left-right) / float64(len(years))
	barW := math.Max(groupW*0.8/float64(len(series)), 0.8)
	y := func(m calc.Money) float64 { return float64(topY+plotH) - float64(m)/100/maxV*plotH }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %d %d" role="img" aria-labelledby="cmp-chart-title" xmlns="http://www.w3.org/2000/svg">`, w, height)
	fmt.Fprintf(&b, `<title id="cmp-chart-title">%s</title>`, esc(T(lang, "cmp.chart")))
	for i, p := range series {
		lx := float64(left) + float64(i%3)*240
		ly := 10 + 20*(i/3)
		name := p.Name
		if r := []rune(name); len(r) > 27 {
			name = string(r[:26]) + "…"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="14" height="14" rx="2" fill="%s"/><text class="c-legend" x="%.1f" y="%d">%s</text>`, lx, ly, seriesFills[i], lx+20, ly+12, esc(name))
	}
	for k := 0; k <= ticks; k++ {
		gy := float64(topY+plotH) - float64(k)/float64(ticks)*plotH
		fmt.Fprintf(&b, `<line class="c-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, left, w-right, gy, gy)
		fmt.Fprintf(&b, `<text class="c-axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, left-6, gy+4, esc(formatCompact(step*float64(k), lang)))
	}
	for yi, yr := range years {
		gx := float64(left) + groupW*float64(yi) + groupW*0.1
		for si, p := range series {
			if yi >= len(p.Years) || p.Years[yi].SubsidyPayable <= 0 {
				continue
			}
			by := y(p.Years[yi].SubsidyPayable)
			fmt.Fprintf(&b, `<rect class="bar" x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="%s"><title>%s %d: %s</title></rect>`,
				gx+barW*float64(si), by, barW, float64(topY+plotH)-by, seriesFills[si], esc(p.Name), yr.Year, esc(FormatMoney(p.Years[yi].SubsidyPayable, lang)))
		}
		fmt.Fprintf(&b, `<text class="c-axis" x="%.1f" y="%d" text-anchor="middle">%d</text>`, float64(left)+groupW*(float64(yi)+0.5), height-8, yr.Year)
	}
	fmt.Fprintf(&b, `<line class="c-base" x1="%d" x2="%d" y1="%d" y2="%d"/>`, left, w-right, topY+plotH, topY+plotH)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers and escaped text only
}

// fanChartSVG draws the payable subsidy by year under each scenario of a
// result, one line each (the fan), with the result's own path dashed.
func fanChartSVG(res *calc.Result, lang string) template.HTML {
	if len(res.Scenarios) == 0 || len(res.Years) == 0 {
		return ""
	}
	type path struct {
		name  string
		years []calc.YearPayable
		dash  bool
	}
	own := make([]calc.YearPayable, len(res.Years))
	for i, y := range res.Years {
		own[i] = calc.YearPayable{Year: y.Year, SubsidyPayable: y.SubsidyPayable}
	}
	paths := []path{{T(lang, "scn.record"), own, true}}
	for _, s := range res.Scenarios {
		paths = append(paths, path{name: s.Name, years: s.Years})
	}
	var top calc.Money
	for _, p := range paths {
		for _, y := range p.years {
			top = max(top, y.SubsidyPayable)
		}
	}
	const w, left, right, plotH, bottom = 800, 78, 12, 200, 26
	topY := 26 + 20*((len(paths)+3)/4)
	height := topY + plotH + bottom
	step, ticks := niceTicks(float64(top) / 100)
	maxV := step * float64(ticks)
	n := len(res.Years)
	xAt := func(i int) float64 {
		if n == 1 {
			return float64(left) + float64(w-left-right)/2
		}
		return float64(left+16) + float64(w-left-right-40)*float64(i)/float64(n-1)
	}
	yAt := func(m calc.Money) float64 { return float64(topY+plotH) - float64(m)/100/maxV*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %d %d" role="img" aria-labelledby="fan-title" xmlns="http://www.w3.org/2000/svg">`, w, height)
	fmt.Fprintf(&b, `<title id="fan-title">%s</title>`, esc(T(lang, "scn.chart")))
	for k := 0; k <= ticks; k++ {
		gy := float64(topY+plotH) - float64(k)/float64(ticks)*plotH
		fmt.Fprintf(&b, `<line class="c-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, left, w-right, gy, gy)
		fmt.Fprintf(&b, `<text class="c-axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, left-6, gy+4, esc(formatCompact(step*float64(k), lang)))
	}
	for i, p := range paths {
		fill := seriesFills[i%len(seriesFills)]
		lx := float64(left) + float64(i%4)*180
		ly := 10 + 20*(i/4)
		name := p.name
		if r := []rune(name); len(r) > 18 {
			name = string(r[:17]) + "…"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="14" height="4" fill="%s"/><text class="c-legend" x="%.1f" y="%d">%s</text>`, lx, ly+4, fill, lx+20, ly+10, esc(name))
		var d strings.Builder
		for j, y := range p.years {
			idx := j
			for k, ry := range res.Years {
				if ry.Year == y.Year {
					idx = k
				}
			}
			cmd := "L"
			if j == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%.1f %.1f ", cmd, xAt(idx), yAt(y.SubsidyPayable))
		}
		dash := ""
		if p.dash {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, strings.TrimSpace(d.String()), fill, dash)
	}
	for i, y := range res.Years {
		fmt.Fprintf(&b, `<text class="c-axis" x="%.1f" y="%d" text-anchor="middle">%d</text>`, xAt(i), height-8, y.Year)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// programmeMessages are the texts of the comparison page and the scenario
// section of the result page (merged into messages by init).
var programmeMessages = map[string]calc.Text{
	"cmp.title":             {Ru: "Сравнение программ", En: "Comparing programmes"},
	"cmp.lead":              {Ru: "Один кредит по всем программам, которые могли бы к нему применяться; лучшая доступная программа — первой.", En: "One loan under every programme that could apply; the best eligible one first."},
	"cmp.empty":             {Ru: "Заполните форму калькулятора и откройте сравнение со страницы результата.", En: "Fill in the calculator form and open the comparison from the result page."},
	"cmp.errors":            {Ru: "Кредит задан с ошибками", En: "The loan has errors"},
	"cmp.loan":              {Ru: "Кредит", En: "Loan"},
	"cmp.interest":          {Ru: "Проценты за весь срок", En: "Interest over the term"},
	"cmp.rate_without":      {Ru: "Эффективная ставка без субсидии", En: "Effective rate without subsidy"},
	"cmp.programme":         {Ru: "Программа", En: "Programme"},
	"cmp.eligible":          {Ru: "Доступна", En: "Eligible"},
	"cmp.payable":           {Ru: "Субсидия к выплате", En: "Subsidy payable"},
	"cmp.pv":                {Ru: "Приведённая стоимость", En: "Present value"},
	"cmp.rate_with":         {Ru: "Эффективная ставка с субсидией", En: "Effective rate with subsidy"},
	"cmp.grant":             {Ru: "Грант-элемент", En: "Grant element"},
	"cmp.yes":               {Ru: "да", En: "yes"},
	"cmp.no":                {Ru: "нет", En: "no"},
	"cmp.best":              {Ru: "лучшая", En: "best"},
	"cmp.source":            {Ru: "Источник", En: "Source"},
	"cmp.chart":             {Ru: "Субсидия к выплате по годам", En: "Subsidy payable by year"},
	"cmp.download":          {Ru: "Скачать Excel", En: "Download Excel"},
	"cmp.edit":              {Ru: "Изменить данные", En: "Change the inputs"},
	"cmp.link":              {Ru: "Сравнить с другими программами", En: "Compare with other programmes"},
	"cmp.confidence.high":   {Ru: "надёжность: высокая (нормативный акт)", En: "confidence: high (the legal text)"},
	"cmp.confidence.medium": {Ru: "надёжность: средняя (сайт оператора, новости)", En: "confidence: medium (operator's page, news)"},
	"cmp.confidence.low":    {Ru: "надёжность: низкая (вторичные источники, наше прочтение)", En: "confidence: low (secondary sources, our reading)"},
	"cmp.confidence.":       {Ru: "", En: ""},
	"scn.title":             {Ru: "Сценарии ключевой ставки", En: "Policy-rate scenarios"},
	"scn.chart":             {Ru: "Субсидия к выплате по годам при разных сценариях ставки", En: "Subsidy payable by year under each policy-rate scenario"},
	"scn.record":            {Ru: "по данным ставок", En: "the record"},
	"scn.sensitivity":       {Ru: "Чувствительность: +1 п.п. ставки меняет субсидию на", En: "Sensitivity: +1 pp on the policy rate changes the subsidy by"},
	"scn.name":              {Ru: "Сценарий", En: "Scenario"},
	"scn.filled":            {Ru: "ставки сценария с", En: "scenario rates from"},
}

func init() {
	for k, v := range programmeMessages {
		messages[k] = v
	}
}
