#!/usr/bin/env python3
"""Golden schedules for the presets of SPEC §9, from SPEC alone (not from the Go engine).

Each `<case>.json` here is a calculation request under a preset (`kz-baiterek`, `am-points`,
`ru-kip`) with explicit `subsidy.base_rates`. This script restates each preset's rule as
SPEC §9 words it, turns the request into a `custom` one with that rule (and the window the
preset implies), runs the exact-fraction reference `../reference.py`, and writes

- `<case>.csv`: the schedule (header as in ../README.md);
- `<case>.summary.json`: `eligible` (the preset's conditions, as SPEC §9 states them) and
  `subsidy_payable` (the sum of subsidy_paid when eligible, else 0).

Run: python3 testdata/golden/presets/presets.py
"""
import copy
import csv
import json
import sys
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import reference  # noqa: E402

# SPEC §9, "Presets to add":
#   kz-baiterek: borrower pays 8 %  -> subsidy rate = loan - 8 (the floor term, g = 8);
#                loan rate up to base + 7 pp (on the issue date, as for eaeu-industrial).
#   am-points:   a fixed 8 pp for AMD loans, 6 pp in foreign currency (b alone),
#                for at most 36 months (the window).
#   ru-kip:      borrower rate 0.3 x key rate + 3 pp -> subsidy = loan - (0.3 base + 3).
PRESETS = {
    "kz-baiterek": lambda ccy: {"borrower_floor": "8"},
    "am-points": lambda ccy: {"plus_points": "8" if ccy == "AMD" else "6"},
    "ru-kip": lambda ccy: {"floor_base_share": "0.3", "borrower_floor": "3"},
}
WINDOW_MONTHS = {"am-points": 36}


def eligible(preset, req):
    if preset != "kz-baiterek":
        return True   # SPEC §9 names no other condition for am-points and ru-kip
    issue = reference.parse_date(req["loan"]["issue_date"])
    base = reference.in_force(sorted((reference.parse_date(x["date"]), reference.dec(x["rate"]))
                                     for x in req["subsidy"]["base_rates"]), issue)
    return reference.dec(req["loan"]["rate"]) <= base + 7


def run(path):
    req = json.loads(path.read_text())
    preset = req["subsidy"]["programme"]
    custom = copy.deepcopy(req)
    s = custom["subsidy"]
    s["programme"] = "custom"
    rule = PRESETS[preset](req["loan"]["currency"])
    rule.update((req["subsidy"].get("rule") or {}))   # the request's own terms (steps) on top
    s["rule"] = rule
    issue = reference.parse_date(req["loan"]["issue_date"])
    if preset in WINDOW_MONTHS and not s.get("end"):
        s["end"] = reference.add_months(issue, WINDOW_MONTHS[preset]).isoformat()
    rows, _ = reference.schedule(custom)
    with open(path.with_suffix(".csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(reference.HEADER)
        w.writerows(rows)
    ok = eligible(preset, req)
    payable = sum((F(r[11]) for r in rows), F(0)) if ok else F(0)
    path.with_suffix(".summary.json").write_text(json.dumps(
        {"eligible": ok, "subsidy_payable": reference.money(payable)}) + "\n")
    print(f"{path.stem}: {len(rows)} periods, eligible={ok}, payable={reference.money(payable)}")


if __name__ == "__main__":
    for p in sorted(HERE.glob("*.json")):
        if not p.name.endswith(".summary.json"):
            run(p)
