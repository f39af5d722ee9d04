#!/usr/bin/env python3
"""Independent reference for claims on actual figures (SPEC §7).

Written from SPEC §7 and API.md "Claims on actual figures" only, not from the Go engine. Every
figure is an exact fraction; the only roundings are the ones SPEC §7 asks for:
  * each row's amount at the rule and at the limit: rounded half away from zero to 0.01, on its
    own row ("so that the printed rows add up");
  * a period paid in part under the annual cap: rounded down (cap and claims are in cents);
  * a cap in another currency: cap / fx rounded down to 0.01 (as the schedule reference does).
The plan of the same loan (for "planned") comes from ../reference.py, the independent schedule
reference of SPEC §2–3.

Readings where SPEC §7 is silent (the same ones docs/claims.md lists):
  R1 a claim period belongs to the calendar year of its LAST day (to - 1);
  R2 fixing "period_start"/"payment_date": the policy rate is fixed per interest period of the
     loan (the payment dates from the issue date), so rows are also cut at payment dates;
  R3 the limit is balance x c x loan rate, c = the rule's loan_share, 1 when the rule has none;
  R4 outside the subsidy window the rule's rate is 0 (the row is shown, nothing is claimed);
  R5 planned = the same row procedure on the plan's balances (its drawdowns, minus the principal
     of each scheduled payment on its date) and the plan's contract rates, no overdue, with its
     own cap; 0 when the loan is ineligible;
  R6 causes are listed only when payable != planned: repayment / drawdown when the cumulative
     repaid / drawn amount differs from the plan's on some day of the period, rate_change when
     the contract rate does, overdue when some day has overdue principal, cap when the cap cut
     the claim or the plan.

Usage: python3 reference.py   # writes <case>.rows.csv and <case>.periods.csv for every <case>.json
"""
import calendar
import copy
import csv
import datetime as dt
import json
import math
import pathlib
import sys
from fractions import Fraction as F

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import reference as sched  # noqa: E402  (the SPEC §2-3 schedule reference)

DAY = dt.timedelta(days=1)


def dec(v):
    return F(str(v))


def rha(x):
    """round half away from zero to 0.01"""
    n = math.floor(abs(x) * 100 + F(1, 2))
    return F(n if x >= 0 else -n, 100)


def rdown(x):
    return F(math.floor(x * 100), 100)


def money(x):
    c = int(x * 100)
    assert F(c, 100) == x
    s = "-" if c < 0 else ""
    c = abs(c)
    return f"{s}{c // 100}.{c % 100:02d}"


def pct(x):
    """a rate as the engine writes decimals: no trailing zeros"""
    if x.denominator == 1:
        return str(x.numerator)
    s = f"{float(x):.10f}".rstrip("0")
    assert dec(s) == x, (x, s)
    return s


D = dt.date.fromisoformat

EAEU = {  # SPEC §1: eaeu-industrial
    "rule": {"base_share": "1", "loan_share": "1", "base_fixing": "daily"},
    "cap": ("350000000", "RUB"), "max_months": 60, "min_states": 3, "ceiling_points": "6.5",
    "member_currencies": {"AMD", "BYN", "KZT", "KGS", "RUB"},
}


class Case:
    def __init__(self, req):
        self.req = req
        ln, s = req["loan"], req["subsidy"]
        self.issue = D(ln["issue_date"])
        self.maturity = sched.add_months(self.issue, int(ln["term_months"]))
        self.day_count = ln.get("day_count", "act/act")
        self.currency = ln["currency"]
        mpp = sched.MONTHS_PER_PERIOD[ln.get("frequency", "monthly")]
        self.pay_dates = [sched.add_months(self.issue, k * mpp)
                          for k in range(int(ln["term_months"]) // mpp + 1)]
        prog = s["programme"]
        plan_req = copy.deepcopy(req)
        if prog == "eaeu-industrial":
            rule = dict(EAEU["rule"])
            rule.update(s.get("rule") or {})
            end = min(sched.add_months(self.issue, EAEU["max_months"]), self.maturity)
            cap = s.get("annual_cap", {"amount": EAEU["cap"][0], "currency": EAEU["cap"][1]})
            plan_req["subsidy"] = {"programme": "custom", "rule": rule, "base_rates": s["base_rates"],
                                   "start": s.get("start", ln["issue_date"]),
                                   "end": s.get("end", end.isoformat()), "annual_cap": cap,
                                   "fx": s.get("fx", [])}
        else:
            assert prog == "custom"
        self.plan_req = plan_req
        ps = plan_req["subsidy"]
        rule = ps["rule"]
        opt = lambda k: None if rule.get(k) is None else dec(rule[k])  # noqa: E731
        self.a, self.b = opt("base_share"), opt("plus_points") or F(0)
        self.e = F(1) if rule.get("minus_loan") else F(0)
        self.c, self.floor = opt("loan_share"), opt("borrower_floor")
        self.fixing = rule.get("base_fixing", "daily")
        self.base = sorted((D(x["date"]), dec(x["rate"])) for x in ps["base_rates"])
        self.win = (D(ps["start"]) if ps.get("start") else self.issue,
                    D(ps["end"]) if ps.get("end") else self.maturity)
        cap = ps.get("annual_cap")
        self.cap = None
        if cap:
            fx = {x.get("year"): dec(x["rate"]) for x in ps.get("fx") or []}
            self.cap = (dec(cap["amount"]), cap["currency"], fx)
        # Eligibility (SPEC §1, §6) for the presets used here.
        self.eligible = True
        if prog == "eaeu-industrial":
            states = {p["country"] for p in req.get("project", {}).get("participants", [])}
            base0 = sched.in_force(self.base, self.issue)
            self.eligible = (len(states) >= EAEU["min_states"]
                             and self.currency in EAEU["member_currencies"]
                             and dec(ln["rate"]) <= base0 + dec(EAEU["ceiling_points"]))

    def rule_rate(self, base, loan):
        terms = []
        if self.a is not None:
            terms.append(self.a * base + self.b - self.e * loan)
        if self.c is not None:
            terms.append(self.c * loan)
        if self.floor is not None:
            terms.append(loan - self.floor)
        return max(F(0), min(terms))

    def cap_of(self, year):
        amt, ccy, fx = self.cap
        if ccy == self.currency:
            return amt
        return rdown(amt / fx.get(year, fx.get(None)))

    def base_on(self, day):
        """the policy rate used for the day, by the fixing mode (reading R2)"""
        if self.fixing == "daily":
            return sched.in_force(self.base, day)
        k = max(i for i, d in enumerate(self.pay_dates[:-1]) if d <= day)
        fix = self.pay_dates[k] if self.fixing == "period_start" else self.pay_dates[k + 1]
        return sched.in_force(self.base, fix)

    def base_cuts(self, a, b):
        if self.fixing == "daily":
            return {d for d, _ in self.base if a < d < b}
        return {d for d in self.pay_dates if a < d < b}

    def year_len(self, day):
        if self.day_count == "act/act":
            return 366 if calendar.isleap(day.year) else 365
        return 365 if self.day_count == "act/365" else 360

    def days(self, a, b):
        if self.day_count == "30/360":
            f = lambda d: 360 * d.year + 30 * d.month + min(d.day, 30)  # noqa: E731
            return f(b) - f(a)
        return (b - a).days


class Track:
    """Balances, contract rates and overdue spans, day by day, from a list of facts."""

    def __init__(self, flows, rates, overdue):
        self.flows = flows        # [(date, signed amount)]
        self.rates = rates        # [(date, rate)] from the issue date
        self.overdue = overdue    # [(from, to, amount)]

    def balance(self, d):
        return sum((a for x, a in self.flows if x <= d), F(0))

    def drawn(self, d):
        return sum((a for x, a in self.flows if x <= d and a > 0), F(0))

    def repaid(self, d):
        return sum((-a for x, a in self.flows if x <= d and a < 0), F(0))

    def rate(self, d):
        return sched.in_force(self.rates, d)

    def over(self, d):
        return sum((a for f, t, a in self.overdue if f <= d < t), F(0))

    def event_dates(self):
        s = {x for x, _ in self.flows} | {x for x, _ in self.rates}
        for f, t, _ in self.overdue:
            s |= {f, t}
        return s


def rows_of(case, track, a, b):
    cuts = {a, b} | {d for d in track.event_dates() if a < d < b}
    cuts |= case.base_cuts(a, b)
    cuts |= {dt.date(y, 1, 1) for y in range(a.year + 1, b.year + 1) if a < dt.date(y, 1, 1) < b}
    cuts |= {d for d in case.win if a < d < b}
    cuts = sorted(cuts)
    out = []
    for p, q in zip(cuts, cuts[1:]):
        bal = track.balance(p)
        over = track.over(p)
        sub = max(F(0), bal - over)
        loan = track.rate(p)
        base = case.base_on(p)
        rule = case.rule_rate(base, loan) if case.win[0] <= p < case.win[1] else F(0)
        lim = (case.c if case.c is not None else F(1)) * loan
        days, yl = case.days(p, q), case.year_len(p)
        ar = rha(sub * rule * days / yl / 100)
        al = rha(sub * lim * days / yl / 100)
        out.append(dict(frm=p, to=q, days=days, yl=yl, bal=bal, over=over, sub=sub, base=base,
                        rule=rule, ar=ar, loan=loan, lim=lim, al=al, amt=min(ar, al)))
    return out


def periods_of(case, claims):
    if "periods" in claims:
        return [(D(p["from"]), D(p["to"])) for p in claims["periods"]]
    lo = max(D(claims["from"]), case.issue)
    hi = min(D(claims["to"]), case.maturity)
    step = 1 if claims["frequency"] == "monthly" else 3
    out, cur = [], lo
    while cur < hi:
        m0 = (cur.month - 1) // step * step + step   # months from January of the next boundary
        nxt = dt.date(cur.year + m0 // 12, m0 % 12 + 1, 1)
        out.append((cur, min(nxt, hi)))
        cur = nxt
    return out


def run(name):
    req = json.loads((HERE / f"{name}.json").read_text())
    case = Case(req)
    # Fact: the ledger alone.
    flows, rates, overdue = [], [(case.issue, dec(req["loan"]["rate"]))], []
    for e in req["ledger"]:
        t = e["type"]
        if t == "drawdown":
            flows.append((D(e["date"]), dec(e["amount"])))
        elif t == "repayment":
            flows.append((D(e["date"]), -dec(e["amount"])))
        elif t == "rate_change":
            rates.append((D(e["date"]), dec(e["rate"])))
        elif t == "overdue":
            overdue.append((D(e["from"]), D(e["to"]), dec(e["amount"])))
    fact = Track(flows, sorted(rates), overdue)
    # Plan: the schedule reference's drawdowns and principal.
    plan_rows, _ = sched.schedule(case.plan_req)
    ln = req["loan"]
    disb = ln.get("disbursements") or [{"date": ln["issue_date"], "amount": ln["amount"]}]
    pflows = [(D(x["date"]), dec(x["amount"])) for x in disb]
    pflows += [(D(r[2]), -dec(r[7])) for r in plan_rows if dec(r[7]) > 0]
    prates = [(case.issue, dec(ln["rate"]))] + sorted(
        (D(x["date"]), dec(x["rate"])) for x in ln.get("rate_changes", []))
    plan = Track(pflows, prates, [])

    used, pused = {}, {}
    rows_out, per_out = [], []
    for a, b in periods_of(case, req["claims"]):
        year = (b - DAY).year                     # reading R1
        rows = rows_of(case, fact, a, b)
        prows = rows_of(case, plan, a, b)
        claimed = sum((r["amt"] for r in rows), F(0))
        planned = sum((r["amt"] for r in prows), F(0))
        payable, cut, pcut = claimed, False, False
        if case.cap:
            cap = case.cap_of(year)
            left = cap - used.get(year, F(0))
            if payable > left:
                payable, cut = rdown(max(left, F(0))), True
            used[year] = used.get(year, F(0)) + payable
            pleft = cap - pused.get(year, F(0))
            if planned > pleft:
                planned, pcut = rdown(max(pleft, F(0))), True
            pused[year] = pused.get(year, F(0)) + planned
        if not case.eligible:
            payable = planned = F(0)
        causes = []
        if payable != planned:
            days = [a + i * DAY for i in range((b - a).days)]
            if any(fact.repaid(d) != plan.repaid(d) for d in days):
                causes.append("repayment")
            if any(fact.drawn(d) != plan.drawn(d) for d in days):
                causes.append("drawdown")
            if any(fact.rate(d) != plan.rate(d) for d in days):
                causes.append("rate_change")
            if any(fact.over(d) > 0 for d in days):
                causes.append("overdue")
            if cut or pcut:
                causes.append("cap")
        for r in rows:
            rows_out.append([a.isoformat(), b.isoformat(), r["frm"].isoformat(), r["to"].isoformat(),
                             r["days"], r["yl"], money(r["bal"]), money(r["over"]), money(r["sub"]),
                             pct(r["base"]), pct(r["rule"]), money(r["ar"]), pct(r["loan"]),
                             money(r["al"]), money(r["amt"])])
        per_out.append([a.isoformat(), b.isoformat(), year, money(claimed), str(cut).lower(),
                        money(payable), money(planned), money(payable - planned), " ".join(causes),
                        str(case.eligible).lower()])
    with open(HERE / f"{name}.rows.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["period_from", "period_to", "from", "to", "days", "year_days", "balance", "overdue",
                    "subsidised_balance", "base_rate", "rule_rate", "amount_rule", "loan_rate",
                    "amount_limit", "amount"])
        w.writerows(rows_out)
    with open(HERE / f"{name}.periods.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["from", "to", "year", "claimed", "cap_applied", "payable", "planned", "difference",
                    "causes", "eligible"])
        w.writerows(per_out)
    print(f"{name}: {len(per_out)} periods, {len(rows_out)} rows")


if __name__ == "__main__":
    for n in sys.argv[1:] or sorted(p.stem for p in HERE.glob("*.json")):
        run(n)
