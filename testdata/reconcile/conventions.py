#!/usr/bin/env python3
"""Reference schedules under the conventions other banks use (SPEC §8), in exact fractions.

Written from SPEC §2-3 and §8 and docs/reconcile.md, not from the Go engine. It reuses the
request reader, rounding and rate rule of ../golden/reference.py and recomputes the schedule
with four conventions as parameters:

  day count        act/act | act/365 | act/360 | 30E/360 | 30/360 US
  accrual balance  daily (balance of each day) | opening (the period's opening balance, after
                   the drawdowns of its first day, for every day of the period)
  rounding         period (exact sum of the pieces, rounded once) | row (each piece rounded
                   half away from zero to 0.01, then added)
  base fixing      daily | period_start | payment_date

A piece ("row") is a stretch of constant balance, contract rate, policy rate (daily fixing),
year length (act/act: cut at 1 January) and subsidy window.

30/360 US (ISDA 2006 4.16(f)): D1 = 31 -> 30; D2 = 31 -> 30 when D1 >= 30. Inside a period
that starts on `start`, the piece [p, q) counts g(q) - g(p), g(d) = 360*y + 30*m + D(d) with
D(d) = 30 when d.day == 31 and start.day >= 30, else d.day; so the pieces add up to the
period's count.

Writes <case>__<combo>.csv (the bank's columns) for each case/combination listed in CASES and
cases.json, the list the Go test reads. Usage: python3 testdata/reconcile/conventions.py
"""
import csv
import datetime as dt
import json
import pathlib
import sys
from fractions import Fraction as F

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN = HERE.parent / "golden"
sys.path.insert(0, str(GOLDEN))
import reference as R  # noqa: E402

# (golden request, [(day count, accrual, rounding, fixing), ...])
CASES = [
    ("drawdowns-ratechange", [("act/act", "opening", "row", "daily"),
                              ("30/360 US", "daily", "period", "daily"),
                              ("act/360", "opening", "period", "daily")]),
    ("base-change-in-period", [("act/act", "daily", "row", "daily"),
                               ("act/365", "daily", "period", "payment_date"),
                               ("30/360 US", "opening", "row", "period_start")]),
    ("annuity-30360-eom", [("30/360 US", "daily", "period", "daily"),
                           ("30E/360", "daily", "row", "daily")]),
    ("equal-principal-actact-leap", [("act/act", "daily", "row", "daily"),
                                     ("30/360 US", "daily", "row", "daily")]),
    ("cap-midyear", [("act/365", "opening", "row", "daily")]),
]


def piece_days_fraction(p, q, start, dc):
    if dc == "30/360 US":
        def g(d):
            day = 30 if (d.day == 31 and start.day >= 30) else d.day
            return 360 * d.year + 30 * d.month + day
        return F(g(q) - g(p), 360)
    return R.year_fraction(p, q, "30/360" if dc == "30E/360" else dc)


def schedule(req, dc, accrual, rounding, fixing):
    loan = R.Loan(req)
    sub = R.Subsidy(req, loan)
    sub.fixing = fixing
    uses_base = sub.a is not None and sub.a != 0
    balance = sum(a for d, a in loan.disbursements if d <= loan.issue)
    later = [(d, a) for d, a in loan.disbursements if d > loan.issue]
    events = [d for d, _ in later] + [d for d, _ in loan.rates[1:]]
    instalment = None
    cap_used = {}
    rows = []
    for k in range(1, loan.n + 1):
        start, end = loan.dates[k - 1], loan.dates[k]
        opening = balance
        drawn_here = [(d, a) for d, a in later if start <= d < end] if k > 1 else \
                     [(d, a) for d, a in later if start < d < end]
        drawdown = sum((a for _, a in drawn_here), F(0))
        cuts = {start, end}
        cuts |= {d for d, _ in drawn_here if start < d < end}
        cuts |= {d for d, _ in loan.rates if start < d < end}
        if dc == "act/act":
            cuts |= {dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)}
        if fixing == "daily" and uses_base:
            cuts |= {d for d, _ in sub.base if start < d < end}
        cuts |= {d for d in (sub.start, sub.end) if start < d < end}
        cuts = sorted(cuts)
        start_bal = opening + sum((a for d, a in drawn_here if d <= start), F(0))
        interest, subsidy = F(0), F(0)
        rnd = R.round_half_away if rounding == "row" else (lambda x: x)
        for p, q in zip(cuts, cuts[1:]):
            bal = opening + sum((a for d, a in drawn_here if d <= p), F(0))
            if accrual == "opening":
                bal = start_bal
            r = R.in_force(loan.rates, p)
            yf = piece_days_fraction(p, q, start, dc)
            interest += rnd(bal * r / 100 * yf)
            if sub.start <= p and q <= sub.end:
                base = {"daily": lambda: R.in_force(sub.base, p),
                        "period_start": lambda: R.in_force(sub.base, start),
                        "payment_date": lambda: R.in_force(sub.base, end)}[fixing]()
                subsidy += rnd(bal * sub.rate(base, r) / 100 * yf)
        interest = R.round_half_away(interest)
        subsidy = min(R.round_half_away(subsidy), interest)
        balance_now = opening + drawdown
        amortising = k > loan.grace_periods
        recompute = any(loan.dates[k - 2] < d <= start for d in events) if k > 1 else False
        if k == loan.n:
            principal = balance_now
        elif not amortising or loan.repayment == "bullet":
            principal = F(0)
        else:
            if instalment is None or recompute:
                m = loan.n - k + 1
                if loan.repayment == "annuity":
                    i = R.in_force(loan.rates, start) / 100 / loan.ppy
                    instalment = R.round_half_up(start_bal * i / (1 - (1 + i) ** -m))
                else:
                    instalment = R.round_half_up(start_bal / m)
            principal = max(F(0), instalment - interest) if loan.repayment == "annuity" else instalment
            principal = min(principal, balance_now)
        balance = balance_now - principal
        paid = subsidy
        if sub.cap:
            cap = sub.cap_in_loan_currency(end.year)
            used = cap_used.get(end.year, F(0))
            paid = min(subsidy, R.round_down(cap - used))
            cap_used[end.year] = used + paid
        rows.append([end.isoformat(), R.money(opening), R.money(principal), R.money(interest),
                     R.money(paid), R.money(interest - paid)])
    return rows


def slug(s):
    return s.replace("/", "").replace(" ", "").replace("_", "-")


def main():
    listing = []
    for case, combos in CASES:
        req = json.loads((GOLDEN / f"{case}.json").read_text())
        for dc, accrual, rounding, fixing in combos:
            name = f"{case}__{slug(dc)}-{accrual}-{rounding}-{slug(fixing)}.csv"
            rows = schedule(req, dc, accrual, rounding, fixing)
            with open(HERE / name, "w", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(["date", "opening_balance", "principal", "interest", "subsidy",
                            "borrower_interest"])
                w.writerows(rows)
            listing.append({"request": f"{case}.json", "bank": name,
                            "conventions": {"day_count": dc, "accrual_balance": accrual,
                                            "rounding": rounding, "base_fixing": fixing}})
            print(name, len(rows), "rows")
    (HERE / "cases.json").write_text(json.dumps(listing, indent=1) + "\n")


if __name__ == "__main__":
    main()
