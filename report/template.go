package report

import (
	"compress/flate"
	"fmt"
	"io"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// templateRows is how far down the template's drop-down lists and column
// formats reach.
const templateRows = DefaultMaxRows + 1

// WriteTemplate writes the batch input template to w: a sheet "Кредиты"
// ("Loans" in English) with one column per input field (headers in Russian
// and English, lang's first, with the key in parentheses: "Сумма кредита /
// Loan amount (amount)"), drop-down lists
// for the enumerated fields, input hints on every column, cell formats
// (dates, money, text) and one example row; and a sheet of instructions.
// [OpenLoans] reads the filled-in template back.
func WriteTemplate(w io.Writer, lang string) error {
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	loans, instr := sheetLoans.In(lang), sheetInstructions.In(lang)
	if err := f.SetSheetName("Sheet1", loans); err != nil {
		return err
	}
	if _, err := f.NewSheet(instr); err != nil {
		return err
	}
	moneyFmt, rateFmt := "#,##0.00", "0.00####"
	colStyle := map[string]int{}
	for kind, s := range map[string]excelize.Style{
		KindText:         {NumFmt: 49},
		KindParticipants: {NumFmt: 49},
		KindCode:         {NumFmt: 49},
		KindMoney:        {CustomNumFmt: &moneyFmt},
		KindNumber:       {CustomNumFmt: &rateFmt},
		KindInteger:      {NumFmt: 1},
		KindDate:         {NumFmt: numFmtDate},
	} {
		if colStyle[kind], err = f.NewStyle(&s); err != nil {
			return err
		}
	}
	for i, c := range columns {
		name := col(i + 1)
		if err := f.SetColWidth(loans, name, name, max(c.width, 10)); err != nil {
			return err
		}
		if err := f.SetColStyle(loans, name, colStyle[c.Kind]); err != nil {
			return err
		}
		if err := f.SetCellValue(loans, ref(i+1, 1), c.Header(lang)); err != nil {
			return err
		}
		if err := f.SetCellValue(loans, ref(i+1, 2), exampleValue(c)); err != nil {
			return err
		}
		if err := f.SetCellStyle(loans, ref(i+1, 2), ref(i+1, 2), colStyle[c.Kind]); err != nil {
			return err
		}
		if err := addValidation(f, loans, i+1, c, lang); err != nil {
			return err
		}
	}
	last := ref(len(columns), 1)
	if err := f.SetCellStyle(loans, "A1", last, st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(loans, 1, 62); err != nil {
		return err
	}
	if err := f.SetPanes(loans, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := f.AutoFilter(loans, "A1:"+ref(len(columns), 2), nil); err != nil {
		return err
	}
	if err := writeInstructions(f, instr, st, lang); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   calc.Text{Ru: "Шаблон пакетного расчёта субсидий", En: "Batch subsidy calculation template"}.In(lang),
		Creator: "subsidy",
	}); err != nil {
		return err
	}
	return writeWorkbook(f, w, flate.DefaultCompression)
}

// exampleValue is the example row's cell of column c, typed as a person
// would enter it (numbers as numbers, dates as date cells).
func exampleValue(c Column) any {
	if c.Example == "" {
		return nil
	}
	switch c.Kind {
	case KindMoney, KindNumber:
		return number(decimal.RequireFromString(c.Example))
	case KindInteger:
		var n int
		fmt.Sscan(c.Example, &n)
		return n
	case KindDate:
		return serial(calc.MustDate(c.Example))
	}
	return c.Example
}

// addValidation gives column n of the sheet its input hint, and a
// drop-down list of codes or a range check where the column has one.
func addValidation(f *excelize.File, sheet string, n int, c Column, lang string) error {
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col(n), col(n), templateRows))
	title := cut(calc.Text{Ru: c.Ru, En: c.En}.In(lang), 32)
	help := calc.Text{Ru: c.HelpRu, En: c.HelpEn}.In(lang)
	dv.SetInput(title, cut(help, 255))
	switch c.Kind {
	case KindCode:
		if c.Key == ColCurrency {
			// Other currencies are calc's to judge: a list, not a rule.
			if err := dv.SetDropList(c.Values); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleWarning, title,
				calc.Text{Ru: "Валюта не из списка.", En: "The currency is not in the list."}.In(lang))
			break
		}
		if err := dv.SetDropList(c.Values); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, title,
			calc.Text{Ru: "Выберите значение из списка: ", En: "Choose a value from the list: "}.In(lang)+strings.Join(c.Values, ", "))
	case KindInteger:
		if err := dv.SetRange(0, 1200, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, title,
			calc.Text{Ru: "Целое число месяцев от 0 до 1200.", En: "A whole number of months, 0 to 1200."}.In(lang))
	case KindMoney:
		if err := dv.SetRange(0, 1e15, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, title,
			calc.Text{Ru: "Положительное число.", En: "A positive number."}.In(lang))
	}
	return f.AddDataValidation(sheet, dv)
}

func writeInstructions(f *excelize.File, sheet string, st *styles, lang string) error {
	for i, w := range []float64{34, 18, 14, 16, 90} {
		name := col(i + 1)
		if err := f.SetColWidth(sheet, name, name, w); err != nil {
			return err
		}
	}
	row := 0
	put := func(style int, values ...any) {
		row++
		for i, v := range values {
			cell := ref(i+1, row)
			_ = f.SetCellValue(sheet, cell, v)
			if style != 0 {
				_ = f.SetCellStyle(sheet, cell, cell, style)
			}
		}
	}
	put(st.title, calc.Text{Ru: "Пакетный расчёт субсидий: как заполнить шаблон", En: "Batch subsidy calculation: how to fill in the template"}.In(lang))
	row++
	paragraphs := []calc.Text{
		{Ru: "Одна строка листа «Кредиты» — один кредит. Первая строка — заголовки: их можно переставлять, а столбцы, которые не нужны, удалять (кроме обязательных). Заголовок может быть ключом (amount) или любым текстом с ключом в скобках: «Сумма кредита (amount)».", En: "One row of the Loans sheet is one loan. The first row holds the headers: columns may be reordered, and those not needed removed (except the required ones). A header is the key (amount) or any text with the key in parentheses: \"Loan amount (amount)\"."},
		{Ru: "Вторая строка — пример: замените её своими кредитами или удалите. Пустые строки пропускаются.", En: "The second row is an example: overwrite it with your loans or delete it. Empty rows are skipped."},
		{Ru: "Числа — с запятой или точкой, пробелы между разрядами допустимы: 1 000 000,50. Даты — ячейкой-датой, 14.03.2025 или 2025-03-14. Ставки — числом процентов годовых: 24,5.", En: "Numbers take a decimal comma or point, and spaces between thousands: 1 000 000.50. Dates: a date cell, 14.03.2025 or 2025-03-14. Rates: a number of percent a year: 24.5."},
		{Ru: "Незаполненные необязательные поля берутся по правилам программы, как в одиночном расчёте. Строка с ошибкой не считается: в отчёте она на листе «Ошибки» с номером строки, столбцом и причиной; остальные строки считаются.", En: "Optional fields left empty take the programme's defaults, as in a single calculation. A row with an error is not computed: the report lists it on the Errors sheet with its row number, column and reason; every other row is computed."},
		{Ru: "Подойдёт и CSV с теми же заголовками: разделитель «;» или «,», кодировка UTF-8 или Windows-1251.", En: "A CSV file with the same headers works too: separated by ';' or ',', in UTF-8 or Windows-1251."},
		{Ru: fmt.Sprintf("Ограничения: не более %d кредитов и %d МиБ в одном файле. Читается только лист «Кредиты» (или первый лист).", DefaultMaxRows, DefaultMaxBytes>>20), En: fmt.Sprintf("Limits: at most %d loans and %d MiB a file. Only the Loans sheet (or the first sheet) is read.", DefaultMaxRows, DefaultMaxBytes>>20)},
	}
	for _, p := range paragraphs {
		put(st.wrap, p.In(lang))
		_ = f.MergeCell(sheet, ref(1, row), ref(5, row))
		_ = f.SetRowHeight(sheet, row, 48)
	}
	row++
	put(st.header, calc.Text{Ru: "Заголовок", En: "Header"}.In(lang), calc.Text{Ru: "Ключ", En: "Key"}.In(lang), calc.Text{Ru: "Обязательно", En: "Required"}.In(lang), calc.Text{Ru: "Формат", En: "Format"}.In(lang), calc.Text{Ru: "Что указать", En: "What to enter"}.In(lang))
	kinds := map[string]calc.Text{
		KindText: {Ru: "текст", En: "text"}, KindCode: {Ru: "код из списка", En: "code from the list"}, KindMoney: {Ru: "сумма", En: "amount"},
		KindNumber: {Ru: "число", En: "number"}, KindInteger: {Ru: "целое число", En: "whole number"}, KindDate: {Ru: "дата", En: "date"},
		KindParticipants: {Ru: "СТРАНА:ДОЛЯ;…", En: "COUNTRY:SHARE;…"},
	}
	for _, c := range columns {
		help := calc.Text{Ru: c.HelpRu, En: c.HelpEn}.In(lang)
		if len(c.Values) > 0 {
			help += " " + calc.Text{Ru: "Допустимо: ", En: "Allowed: "}.In(lang) + strings.Join(c.Values, ", ") + "."
		}
		put(st.wrap, calc.Text{Ru: c.Ru, En: c.En}.In(lang), c.Key, yesNo(c.Required, lang), kinds[c.Kind].In(lang), help)
	}
	return nil
}

// WriteTemplateCSV writes the template's columns as CSV: the header row in
// lang and the example row. Russian uses ";" and a decimal comma, as a
// Russian Excel reads and writes CSV; English "," and a decimal point. The
// file starts with a UTF-8 byte order mark. [OpenLoans] reads both.
func WriteTemplateCSV(w io.Writer, lang string) error {
	lang = Lang(lang)
	cw, err := newCSVWriter(w, dialectOf(lang))
	if err != nil {
		return err
	}
	header := make([]string, len(columns))
	example := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.Header(lang)
		v := c.Example
		if lang == "ru" {
			switch c.Kind {
			case KindMoney, KindNumber:
				v = strings.Replace(v, ".", ",", 1)
			case KindDate:
				if v != "" {
					y, m, d := calc.MustDate(v).Civil()
					v = fmt.Sprintf("%02d.%02d.%04d", d, int(m), y)
				}
			}
		}
		example[i] = v
	}
	if err := cw.write(header); err != nil {
		return err
	}
	if err := cw.write(example); err != nil {
		return err
	}
	return cw.flush()
}
