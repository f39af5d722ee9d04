package calc

// checkBaseRates checks subsidy.base_country (a member state) and
// subsidy.base_rates (a dated path of policy rates) and reports whether
// both are valid: only then is the policy rate resolved (resolveBase).
func (p *plan) checkBaseRates(c *checker) bool {
	s := &p.req.Subsidy
	n := len(c.list)
	if s.BaseCountry != "" {
		c.enum("subsidy.base_country", s.BaseCountry, MemberStates)
	}
	if len(s.BaseRates) > 0 && c.within("subsidy.base_rates", len(s.BaseRates), MaxBaseRates) {
		c.ratePath("subsidy.base_rates", s.BaseRates, minDate, maxDate)
	}
	return len(c.list) == n
}

// resolveBase picks the policy rate timeline and cuts it to the loan.
func (p *plan) resolveBase(c *checker, opt Options) {
	s := &p.req.Subsidy
	var tl Timeline
	switch {
	case len(s.BaseRates) > 0:
		tl = ScenarioTimeline(s.BaseRates)
		p.baseScenario = true
		p.baseCountry = s.BaseCountry
	default:
		country := s.BaseCountry
		if country == "" {
			cc, ok := CurrencyCountry(p.currency)
			if !ok {
				c.add("subsidy.base_country", Text{Ru: "валюта кредита %s не является валютой государства-члена: укажите государство, чья ключевая ставка применяется, или задайте subsidy.base_rates", En: "the loan currency %s is not a member state's: name the state whose policy rate applies, or give subsidy.base_rates"}, p.currency)
				return
			}
			country = cc
		}
		p.baseCountry = country
		book := opt.Rates
		if book == nil {
			book = DefaultRateBook()
		}
		tl = book.Timeline(country)
	}
	if tl.Empty() {
		c.add("subsidy.base_rates", Text{Ru: "ставка для %s неизвестна: задайте subsidy.base_rates", En: "no policy rate is known for %s: give subsidy.base_rates"}, p.baseCountry)
		return
	}
	p.baseSegs, p.basePts = tl.segments(p.issue, p.maturity+1, p.segBuf[:])
}
