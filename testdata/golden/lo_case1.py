#!/usr/bin/env python3
"""Case 1 (annuity-120m-12pct-30360) in LibreOffice Calc, independently of reference.py.

1. writes annuity-120m-12pct-30360.fods: a flat-XML spreadsheet whose cells are plain Calc
   formulas (ROUND, PMT, IPMT, PPMT, MAX, IF) -- open it in LibreOffice to inspect them;
2. converts it headless to CSV (one file per sheet, raw full-precision values);
3. writes annuity-120m-12pct-30360.lo-pmt.csv (n, pmt, ipmt, ppmt, unrounded, as LibreOffice
   prints them: 15 significant digits);
4. compares LibreOffice's rounded schedule with annuity-120m-12pct-30360.csv (written by
   reference.py) cent by cent and exits non-zero on any difference.

Run: python3 lo_case1.py  (needs `soffice`; uses a throw-away profile under /tmp).
"""
import csv
import os
import pathlib
import subprocess
import sys
import tempfile
from decimal import Decimal

HERE = pathlib.Path(__file__).resolve().parent
CASE = "annuity-120m-12pct-30360"
N = 120

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')


def s(text):
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def v(x):
    return f'<table:table-cell office:value-type="float" office:value="{x}"/>'


def f(formula):
    return f'<table:table-cell table:formula="of:={formula}"/>'


def row(cells):
    return "<table:table-row>" + "".join(cells) + "</table:table-row>\n"


def build_fods():
    P = "[$p.$B${}]".format          # parameter cell on sheet p
    params = [("amount", v(1000000)), ("rate_percent", v(12)), ("periods", v(N)),
              # the annuity payment: PMT rounded to cents (SPEC: half up; Calc ROUND = half
              # away from zero, the same for positive numbers)
              ("payment", f(f"ROUND(PMT({P(2)}/100/12;{P(3)};-{P(1)});2)")),
              ("base_rate", v(8)),
              # subsidy rate = max(0, min(1*base, 1*loan))
              ("subsidy_rate", f(f"MAX(0;MIN({P(5)};{P(2)}))"))]
    p_rows = "".join(row([s(k), c]) for k, c in params)
    head = ["n", "opening_balance", "interest", "principal", "payment", "closing_balance",
            "subsidy", "pmt", "ipmt", "ppmt"]
    rows = [row([s(h) for h in head])]
    for k in range(1, N + 1):
        r = k + 1
        opening = f(P(1)) if k == 1 else f(f"[.F{r - 1}]")
        rows.append(row([
            v(k),
            opening,
            # 30E/360: every period of this loan is 30 days = 30/360 of a year
            f(f"ROUND([.B{r}]*{P(2)}/100*30/360;2)"),
            # last period clears the balance; otherwise payment - interest, never negative
            f(f"IF([.A{r}]={P(3)};[.B{r}];MAX(0;{P(4)}-[.C{r}]))"),
            f(f"[.C{r}]+[.D{r}]"),
            f(f"[.B{r}]-[.D{r}]"),
            f(f"ROUND([.B{r}]*{P(6)}/100*30/360;2)"),
            f(f"PMT({P(2)}/100/12;{P(3)};-{P(1)})"),
            f(f"IPMT({P(2)}/100/12;[.A{r}];{P(3)};-{P(1)})"),
            f(f"PPMT({P(2)}/100/12;[.A{r}];{P(3)};-{P(1)})"),
        ]))
    doc = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.2" '
           'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">\n'
           '<office:body><office:spreadsheet>\n'
           f'<table:table table:name="schedule">\n{"".join(rows)}</table:table>\n'
           f'<table:table table:name="p">\n{p_rows}</table:table>\n'
           '</office:spreadsheet></office:body></office:document>\n')
    path = HERE / f"{CASE}.fods"
    path.write_text(doc)
    return path


XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# comma, double quote, UTF-8, from line 1, default formats, en-US, ..., token 9 = false (raw
# full-precision values, not "as shown"), token 12 = -1 (every sheet to <base>-<sheet>.csv)
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"


def convert(fods):
    with tempfile.TemporaryDirectory(prefix="lo-golden-") as tmp:
        prof = pathlib.Path(tmp, "profile")
        (prof / "user").mkdir(parents=True)
        (prof / "user" / "registrymodifications.xcu").write_text(XCU)
        out = pathlib.Path(tmp, "out")
        env = dict(os.environ, HOME=str(prof), LC_ALL="C.UTF-8")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{prof}", "--headless",
                        "--norestore", "--nolockcheck", "--convert-to", CSV_FILTER,
                        "--outdir", str(out), str(fods)], env=env, check=True, timeout=120,
                       capture_output=True)
        with open(out / f"{CASE}-schedule.csv", newline="") as fh:
            return list(csv.DictReader(fh))


def cents(raw):
    d = Decimal(raw)
    q = d.quantize(Decimal("0.01"))
    assert abs(d - q) < Decimal("1e-6"), f"LibreOffice value {raw} is not a cent amount"
    return f"{q:.2f}"


def main():
    lo = convert(build_fods())
    assert len(lo) == N
    with open(HERE / f"{CASE}.lo-pmt.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["n", "pmt", "ipmt", "ppmt"])
        for r in lo:
            w.writerow([r["n"], r["pmt"], r["ipmt"], r["ppmt"]])
    with open(HERE / f"{CASE}.csv", newline="") as fh:
        ref = list(csv.DictReader(fh))
    diffs = 0
    worst = Decimal(0)
    for a, b in zip(lo, ref):
        for col in ("opening_balance", "interest", "principal", "payment", "closing_balance",
                    "subsidy"):
            if cents(a[col]) != b[col]:
                diffs += 1
                print(f"n={a['n']} {col}: LibreOffice {a[col]} vs reference.py {b[col]}")
        # the rounded table against LibreOffice's unrounded PMT/IPMT/PPMT
        for col, lo_col in (("interest", "ipmt"), ("principal", "ppmt")):
            worst = max(worst, abs(Decimal(b[col]) - Decimal(a[lo_col])))
    print(f"{CASE}: {N} periods compared, {diffs} differences; "
          f"max |rounded - unrounded IPMT/PPMT| = {worst}")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
