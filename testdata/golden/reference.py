#!/usr/bin/env python3
"""Independent reference implementation of SPEC.md sections 2 (schedule) and 3 (subsidy).

Written from the domain specification (SPEC; its rules as implemented are docs/rules.md) and
the API contract (docs/api.md) only, without looking at the Go engine, so that the golden files
in this directory are an independent statement of the rules.

All arithmetic is exact (fractions.Fraction); the only roundings are the ones the SPEC asks for:
  * interest and subsidy of a period: exact sum of its pieces, rounded ONCE, half away from zero,
    to 0.01;
  * annuity payment / equal-principal instalment: rounded half up to 0.01 (all values positive,
    so half up == half away from zero);
  * annual cap converted to the loan currency: rounded DOWN to 0.01 (our reading, see README);
  * a partly paid period under the cap: rounded down (automatic: cap and subsidy are in cents).

Usage:
  python3 reference.py                 # (re)write <case>.csv for every <case>.json here
  python3 reference.py CASE ...        # only these cases
  python3 reference.py --explain CASE N[,N...]   # print the piece breakdown of periods N
"""
import calendar
import csv
import datetime as dt
import json
import math
import pathlib
import sys
from fractions import Fraction as F

HERE = pathlib.Path(__file__).resolve().parent
CENT = F(1, 100)

HEADER = ["n", "start", "end", "days", "opening_balance", "drawdown", "interest", "principal",
          "payment", "closing_balance", "subsidy", "subsidy_paid"]


# ----------------------------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------------------------
def dec(v):
    """A decimal string (or JSON number) as an exact Fraction. Fraction('12.5') == 25/2."""
    return F(str(v))


def round_half_away(x):
    """Round to 0.01, half away from zero (SPEC §2 'Interest'): 0.005 -> 0.01, -0.005 -> -0.01."""
    n = math.floor(abs(x) * 100 + F(1, 2))
    return F(n if x >= 0 else -n, 100)


def round_half_up(x):
    """Round to 0.01, half up (SPEC §2 'Annuity'). Only used on positive amounts."""
    return F(math.floor(x * 100 + F(1, 2)), 100)


def round_down(x):
    """Round down (towards zero for positive x) to 0.01 (cap conversion, partial cap payment)."""
    return F(math.floor(x * 100), 100)


def money(x):
    """Fraction that is a whole number of cents -> '1234.50'."""
    assert (x * 100).denominator == 1, f"not in cents: {x}"
    c = int(x * 100)
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


# ----------------------------------------------------------------------------------------------
# Dates and day counts
# ----------------------------------------------------------------------------------------------
def parse_date(s):
    return dt.date.fromisoformat(s)


def add_months(d, months):
    """SPEC §2 'Dates': same day of month, or the month's last day when it does not exist.
    Always applied to the ISSUE date (31 Jan -> 28/29 Feb -> 31 Mar, never 28 Mar)."""
    y, m0 = divmod(d.month - 1 + months, 12)
    y += d.year
    last = calendar.monthrange(y, m0 + 1)[1]
    return dt.date(y, m0 + 1, min(d.day, last))


def year_fraction(d1, d2, day_count):
    """Year fraction of the days [d1, d2): d1 accrues, d2 does not (SPEC §2 'Day counts')."""
    if day_count == "act/365":
        return F((d2 - d1).days, 365)
    if day_count == "act/360":
        return F((d2 - d1).days, 360)
    if day_count == "30/360":
        # European 30E/360: day 31 -> 30 on both ends (February is NOT adjusted), then
        # days = 360*(y2-y1) + 30*(m2-m1) + (D2-D1).  This is f(d2) - f(d1) with
        # f(d) = 360*y + 30*m + min(day, 30), hence additive over pieces.
        def f(d):
            return 360 * d.year + 30 * d.month + min(d.day, 30)
        return F(f(d2) - f(d1), 360)
    if day_count == "act/act":
        # Each day divided by the length of its own calendar year (365 or 366).
        total = F(0)
        for y in range(d1.year, d2.year + 1):
            a = max(d1, dt.date(y, 1, 1))
            b = min(d2, dt.date(y + 1, 1, 1))
            if b > a:
                total += F((b - a).days, 366 if calendar.isleap(y) else 365)
        return total
    raise ValueError(f"unknown day_count {day_count}")


def in_force(timeline, d):
    """Value in force on day d: the last entry dated on or before d. Before the first entry the
    first value is held (SPEC §1 'Policy rates'; such a use would carry a warning)."""
    value = timeline[0][1]
    for td, v in timeline:
        if td <= d:
            value = v
    return value


# ----------------------------------------------------------------------------------------------
# Request
# ----------------------------------------------------------------------------------------------
MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


class Loan:
    def __init__(self, req):
        ln = req["loan"]
        self.amount = dec(ln["amount"])
        self.currency = ln["currency"]
        self.issue = parse_date(ln["issue_date"])
        self.term_months = int(ln["term_months"])
        self.repayment = ln.get("repayment", "annuity")
        self.frequency = ln.get("frequency", "monthly")
        self.grace_months = int(ln.get("grace_months", 0))
        self.day_count = ln.get("day_count", "act/act")
        mpp = MONTHS_PER_PERIOD[self.frequency]
        assert self.term_months % mpp == 0 and self.grace_months % mpp == 0
        self.mpp = mpp
        self.ppy = 12 // mpp                      # periods a year
        self.n = self.term_months // mpp          # number of periods
        self.grace_periods = self.grace_months // mpp
        # Payment k falls k*mpp months after the issue date (k = 0 is the issue date itself).
        self.dates = [add_months(self.issue, k * mpp) for k in range(self.n + 1)]
        self.maturity = self.dates[-1]
        disb = ln.get("disbursements") or [{"date": ln["issue_date"], "amount": ln["amount"]}]
        self.disbursements = sorted((parse_date(x["date"]), dec(x["amount"])) for x in disb)
        assert sum(a for _, a in self.disbursements) == self.amount, "disbursements != amount"
        # Contract rate timeline: the initial rate from the issue date, then rate_changes.
        self.rates = [(self.issue, dec(ln["rate"]))] + sorted(
            (parse_date(x["date"]), dec(x["rate"])) for x in ln.get("rate_changes", []))


class Subsidy:
    def __init__(self, req, loan):
        s = req["subsidy"]
        if s["programme"] != "custom":
            raise ValueError("this reference only implements the 'custom' programme")
        rule = s["rule"]

        def opt(key):
            v = rule.get(key)
            return None if v is None else dec(v)
        self.a = opt("base_share")            # a
        self.b = opt("plus_points") or F(0)   # b (part of the first term)
        self.e = F(1) if rule.get("minus_loan") else F(0)   # e: true -> 1, false/absent -> 0
        self.c = opt("loan_share")            # c
        self.floor = opt("borrower_floor")    # floor (g)
        self.floor_f = opt("floor_base_share")  # SPEC §9: the borrower pays at least f*base + g
        self.fixing = rule.get("base_fixing", "daily")
        # SPEC §9 steps by loan year: from the anniversary of the issue date that starts loan
        # year N, the terms the step names replace those in force before it (cumulative).
        self.steps = []
        params = {"a": self.a, "b": opt("plus_points"), "e": self.e, "c": self.c, "floor": self.floor,
                  "floor_f": self.floor_f}
        names = {"base_share": "a", "plus_points": "b", "loan_share": "c",
                 "borrower_floor": "floor", "floor_base_share": "floor_f"}
        for st in rule.get("steps") or []:
            params = dict(params)
            for key, attr in names.items():
                if st.get(key) is not None:
                    params[attr] = dec(st[key])
            if st.get("minus_loan") is not None:
                params["e"] = F(1) if st["minus_loan"] else F(0)
            self.steps.append((add_months(loan.issue, 12 * (int(st["from_year"]) - 1)), params))
        self.params0 = {"a": self.a, "b": opt("plus_points"), "e": self.e, "c": self.c, "floor": self.floor,
                        "floor_f": self.floor_f}
        self.base = sorted((parse_date(x["date"]), dec(x["rate"])) for x in s["base_rates"])
        # Window [start, end): explicit in every golden case (the default is programme-specific).
        self.start = parse_date(s["start"]) if s.get("start") else loan.issue
        self.end = parse_date(s["end"]) if s.get("end") else loan.maturity
        self.cap = None
        if s.get("annual_cap"):
            cap_amount = dec(s["annual_cap"]["amount"])
            cap_ccy = s["annual_cap"]["currency"]
            fx = {x.get("year"): dec(x["rate"]) for x in s.get("fx") or []}
            self.cap = (cap_amount, cap_ccy, fx)
        self.loan_currency = loan.currency

    def rate(self, base, loan_rate, day=None):
        """SPEC §3: max(0, min(a*base + b - e*loan, c*loan, loan - floor)); a missing term is
        left out of the min. SPEC §9: floor = f*base + g when f is given; the terms of the step
        in force on day."""
        prm = self.params0
        for d, p in self.steps:
            if day is not None and d <= day:
                prm = p
        terms = []
        if prm["a"] is not None or prm["b"] is not None:   # a*base + b - e*loan
            terms.append((prm["a"] or F(0)) * base + (prm["b"] or F(0)) - prm["e"] * loan_rate)
        if prm["c"] is not None:
            terms.append(prm["c"] * loan_rate)
        if prm["floor"] is not None or prm["floor_f"] is not None:
            terms.append(loan_rate - ((prm["floor_f"] or F(0)) * base + (prm["floor"] or F(0))))
        return max(F(0), min(terms))

    def cap_in_loan_currency(self, year):
        """The year's cap in the loan currency: cap amount / fx, fx = units of cap currency per
        unit of loan currency (fx for that year, else the entry without a year); no fx needed
        when the currencies are equal. Rounded DOWN to 0.01 (our reading)."""
        cap_amount, cap_ccy, fx = self.cap
        if cap_ccy == self.loan_currency:
            return cap_amount
        rate = fx.get(year, fx.get(None))
        if rate is None:
            raise ValueError(f"no fx rate for {year}: input error (SPEC §3)")
        return round_down(cap_amount / rate)


# ----------------------------------------------------------------------------------------------
# Schedule
# ----------------------------------------------------------------------------------------------
def schedule(req, explain=()):
    loan = Loan(req)
    sub = Subsidy(req, loan) if "subsidy" in req else None
    rows, notes = [], []

    # Drawdowns on the issue date form the opening balance of period 1. Any other drawdown is
    # shown in the 'drawdown' column of the period whose [start, end) holds its date.
    balance = sum(a for d, a in loan.disbursements if d <= loan.issue)
    later = [(d, a) for d, a in loan.disbursements if d > loan.issue]
    # Events that trigger a recomputation of the annuity payment / equal-principal instalment:
    # drawdowns after the issue date and contract-rate changes. Our reading (README): the
    # recomputation happens at the start of the FIRST PERIOD STARTING ON OR AFTER the event,
    # with the balance at that moment; the period in which a mid-period event falls keeps its
    # old instalment.
    events = [d for d, _ in later] + [d for d, _ in loan.rates[1:]]
    instalment = None           # annuity payment, or equal-principal principal
    cap_used = {}

    for k in range(1, loan.n + 1):
        start, end = loan.dates[k - 1], loan.dates[k]
        opening = balance
        drawn_here = [(d, a) for d, a in later if start <= d < end] if k > 1 else \
                     [(d, a) for d, a in later if start < d < end]
        drawdown = sum((a for _, a in drawn_here), F(0))

        # --- pieces: break at drawdowns, contract-rate changes, policy-rate changes (daily
        # fixing), 1 January, and the subsidy window limits.
        cuts = {start, end}
        cuts |= {d for d, _ in drawn_here if start < d < end}
        cuts |= {d for d, _ in loan.rates if start < d < end}
        cuts |= {dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)}
        if sub:
            if sub.fixing == "daily":
                cuts |= {d for d, _ in sub.base if start < d < end}
            cuts |= {d for d in (sub.start, sub.end) if start < d < end}
            cuts |= {d for d, _ in sub.steps if start < d < end}
        cuts = sorted(cuts)

        interest_exact = F(0)
        subsidy_exact = F(0)
        piece_log = []
        for p, q in zip(cuts, cuts[1:]):
            bal = opening + sum((a for d, a in drawn_here if d <= p), F(0))
            r = in_force(loan.rates, p)
            yf = year_fraction(p, q, loan.day_count)
            piece_int = bal * r / 100 * yf
            interest_exact += piece_int
            srate, base, piece_sub = None, None, F(0)
            if sub and sub.start <= p and q <= sub.end:
                base = {"daily": lambda: in_force(sub.base, p),
                        "period_start": lambda: in_force(sub.base, start),
                        "payment_date": lambda: in_force(sub.base, end)}[sub.fixing]()
                srate = sub.rate(base, r, p)
                piece_sub = bal * srate / 100 * yf
                subsidy_exact += piece_sub
            piece_log.append((p, q, bal, r, yf, piece_int, base, srate, piece_sub))

        interest = round_half_away(interest_exact)
        balance_now = opening + drawdown          # before this period's principal

        # --- principal
        amortising = k > loan.grace_periods
        recompute = any(loan.dates[k - 2] < d <= start for d in events) if k > 1 else False
        if k == loan.n:
            principal = balance_now               # the last payment clears the balance exactly
        elif not amortising or loan.repayment == "bullet":
            principal = F(0)
        else:
            if instalment is None or recompute:
                # balance at the start of this period (drawdowns dated on the start included)
                p0 = opening + sum((a for d, a in drawn_here if d <= start), F(0))
                m = loan.n - k + 1                # remaining periods, this one included
                if loan.repayment == "annuity":
                    i = in_force(loan.rates, start) / 100 / loan.ppy
                    instalment = round_half_up(p0 * i / (1 - (1 + i) ** -m))
                else:                             # equal_principal
                    instalment = round_half_up(p0 / m)
                notes.append(f"period {k}: instalment {money(instalment)} "
                             f"(P={money(p0)}, m={m})")
            if loan.repayment == "annuity":
                # no negative amortisation: if interest > payment, pay interest, no principal
                principal = max(F(0), instalment - interest)
            else:
                principal = instalment
            if principal > balance_now:
                notes.append(f"period {k}: principal limited to the balance")
                principal = balance_now
        payment = interest + principal
        balance = balance_now - principal

        # --- subsidy
        subsidy = F(0)
        if sub:
            subsidy = min(round_half_away(subsidy_exact), interest)   # never above interest
        paid = subsidy
        if sub and sub.cap:
            year = end.year                        # the year of the payment date (our rule)
            cap = sub.cap_in_loan_currency(year)
            used = cap_used.get(year, F(0))
            paid = min(subsidy, round_down(cap - used))
            cap_used[year] = used + paid

        rows.append([k, start.isoformat(), end.isoformat(), (end - start).days,
                     money(opening), money(drawdown), money(interest), money(principal),
                     money(payment), money(balance), money(subsidy), money(paid)])
        if k in explain:
            print(f"period {k}: [{start}, {end}) {(end - start).days} days, day count "
                  f"{loan.day_count}")
            for p, q, bal, r, yf, pi, base, srate, ps in piece_log:
                print(f"  piece [{p}, {q}) days={(q - p).days} balance={money(bal)} rate={r} "
                      f"yf={yf} interest={pi} (~{float(pi):.6f})"
                      + (f" base={base} subsidy_rate={srate} subsidy={ps} (~{float(ps):.6f})"
                         if srate is not None else ""))
            print(f"  interest exact={interest_exact} (~{float(interest_exact):.6f}) -> "
                  f"{money(interest)}; subsidy exact={subsidy_exact} "
                  f"(~{float(subsidy_exact):.6f}) -> {money(subsidy)}")

    # --- SPEC §2 invariants
    total_principal = sum(dec(r[7]) for r in rows)
    assert total_principal == loan.amount, (total_principal, loan.amount)
    assert rows[-1][9] == "0.00"
    for r in rows:
        assert all(not str(x).startswith("-") for x in r), r
    return rows, notes


def run_case(name, explain=()):
    req = json.loads((HERE / f"{name}.json").read_text())
    rows, notes = schedule(req, explain)
    if explain:
        return
    with open(HERE / f"{name}.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"{name}: {len(rows)} periods; " + "; ".join(notes))


def main(argv):
    if argv[:1] == ["--explain"]:
        run_case(argv[1], {int(x) for x in argv[2].split(",")})
        return
    names = argv or sorted(p.stem for p in HERE.glob("*.json"))
    for name in names:
        run_case(name)


if __name__ == "__main__":
    main(sys.argv[1:])
