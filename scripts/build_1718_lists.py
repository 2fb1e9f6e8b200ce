#!/usr/bin/env python3
"""Build the UN 1718 (DPRK) designation lists used by the rules engine.

Reads the DPRK part of the UN Security Council Consolidated List (XML) and the
1718 Committee's Designated Vessels List (CSV) and writes three YAML files:

    Rules/lists/un-1718-individuals.yaml
    Rules/lists/un-1718-entities.yaml
    Rules/lists/un-1718-vessels.yaml

The YAML uses one key per line and JSON-style flow values (strings always
double-quoted), so it can be read by a YAML parser or by a simple line parser.
Output is deterministic: the same input gives byte-identical files.

    python3 scripts/build_1718_lists.py            # (re)write the files
    python3 scripts/build_1718_lists.py --check    # exit 1 if the files are stale

Standard library only. See docs/lists.md.
"""

import argparse
import csv
import datetime
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SCRIPT = "scripts/build_1718_lists.py"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "un-1718"
DEFAULT_XML = DATA_DIR / "consolidated-dprk-2020-03-20.xml"
DEFAULT_VESSELS_CSV = DATA_DIR / "designated-vessels-2020-06-04.csv"
DEFAULT_OUT = PROJECT_ROOT / "Rules" / "lists"

# Security Council resolutions on the DPRK that added designations, by date of adoption.
RESOLUTIONS_BY_DATE = {
    "2006-10-14": 1718,
    "2009-06-12": 1874,
    "2013-01-22": 2087,
    "2013-03-07": 2094,
    "2016-03-02": 2270,
    "2016-11-30": 2321,
    "2017-06-02": 2356,
    "2017-08-05": 2371,
    "2017-09-11": 2375,
    "2017-12-22": 2397,
}

# Listing dates that are 1718 Committee designations (no resolution was adopted that day).
# Persons: 2009-04-24 (KPe.001-003), 2009-07-16, 2012-05-02 (KPe.009-011),
# 2014-07-28 (KPe.020 OMM), 2018-03-30. Vessels: 2017-10-03, 2017-12-28, 2018-03-30, 2018-10-16.
# A date in the input that is in neither table stops the build: add it here once checked.
COMMITTEE_DATES = {
    "2009-04-24",
    "2009-07-16",
    "2012-05-02",
    "2014-07-28",
    "2017-10-03",
    "2017-12-28",
    "2018-03-30",
    "2018-10-16",
}

# Vessels listed as economic resources of Ocean Maritime Management (KPe.020) were first
# identified in resolution 2270 (2016), Annex III, adopted on this date; the vessels list
# prints 21-Jun-17 for them.
OMM_IDENTIFIED_ON = "2016-03-02"
OMM_RESOLUTION = 2270

# Measure columns of the vessels CSV, in output order.
VESSEL_MEASURES = [
    "asset_freeze_1718_8d_2270_12",
    "deflag_2321_12a",
    "asset_freeze_2321_12d",
    "port_ban_2371_6_2375_6",
    "omm_economic_resource",
]
MEASURE_BASIS = {
    "asset_freeze_1718_8d_2270_12": "1718 (2006) para. 8(d) and 2270 (2016) para. 12 (asset freeze)",
    "deflag_2321_12a": "2321 (2016) para. 12(a) (de-flagging)",
    "asset_freeze_2321_12d": "2321 (2016) para. 12(d) (asset freeze)",
    "port_ban_2371_6_2375_6": "2371 (2017) para. 6 and 2375 (2017) para. 6 (port-entry ban)",
    "omm_economic_resource": "2270 (2016) para. 23 (economic resource of OMM, KPe.020; asset freeze)",
}

# The XML repeats some passports under their French and Spanish labels (same number, same
# issue date). They are the same document.
DOCUMENT_TYPE_SYNONYMS = {
    "numéro de passeport": "passport",
    "número de pasaporte": "passport",
}

ALIAS_QUALITIES = {"good": "good", "low": "low"}

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


class BuildError(Exception):
    pass


# ---------------------------------------------------------------- helpers

def clean(text):
    """Trim and collapse all whitespace (incl. newlines) to single spaces; None -> ""."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", text).strip()


def child_text(elem, tag):
    return clean(elem.findtext(tag))


def iso_date(value, what):
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BuildError(f"{what}: not an ISO date: {value!r}")


def printed_date(value, what):
    """DD-Mon-YY as printed in the vessels list (e.g. 30-Mar-18) -> ISO."""
    m = re.fullmatch(r"(\d{1,2})-([A-Za-z]{3})-(\d{2})", value)
    if not m or m.group(2).lower() not in MONTHS:
        raise BuildError(f"{what}: unexpected date {value!r} (expected DD-Mon-YY)")
    day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], 2000 + int(m.group(3))
    return datetime.date(year, month, day).isoformat()


def listing_for(date, what, committee_basis):
    if date in RESOLUTIONS_BY_DATE:
        return {"resolution": RESOLUTIONS_BY_DATE[date], "year": int(date[:4])}
    if date in COMMITTEE_DATES:
        return {"committee": True,
                "note": f"designated by the 1718 Committee on {date} under {committee_basis}"}
    raise BuildError(f"{what}: listing date {date} is neither a known resolution date nor a "
                     f"known 1718 Committee designation date; check it and add it to "
                     f"RESOLUTIONS_BY_DATE or COMMITTEE_DATES in {SCRIPT}")


def dedupe(values):
    seen, out = set(), []
    for v in values:
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def ref_key(ref):
    m = re.fullmatch(r"([A-Za-z]+)\.(\d+)", ref)
    return (m.group(1), int(m.group(2)), ref) if m else (ref, 0, ref)


# ---------------------------------------------------------------- XML (individuals, entities)

def parse_aliases(elem, tag):
    names, quality = [], {}
    for a in elem.findall(tag):
        name = child_text(a, "ALIAS_NAME")
        # One alias is printed with enclosing quotation marks ("KOMID"); the quotes are not
        # part of the name.
        if len(name) > 2 and name[0] == name[-1] == '"':
            name = clean(name[1:-1])
        if not name:
            continue
        names.append(name)
        q = ALIAS_QUALITIES.get(child_text(a, "QUALITY").lower())
        if q and name not in quality:
            quality[name] = q
    names = dedupe(names)
    return names, {n: quality[n] for n in names if n in quality}


def parse_documents(elem, tag):
    ids = []
    for d in elem.findall(tag):
        dtype = child_text(d, "TYPE_OF_DOCUMENT").lower()
        number = child_text(d, "NUMBER")
        if not number:
            continue
        dtype = DOCUMENT_TYPE_SYNONYMS.get(dtype, dtype) or "document"
        # e.g. "381110042 (Expired 25 Jan. 2016)": the number is the part before the note.
        number = clean(re.sub(r"\s*\(.*\)\s*$", "", number))
        ids.append((dtype, number))
    return [{"type": t, "value": v} for t, v in dedupe(ids)]


def parse_xml(path):
    root = ET.parse(path).getroot()
    generated = root.get("dateGenerated", "")
    published = iso_date(generated[:10], f"{path.name} dateGenerated")
    individuals, entities = [], []

    for e in root.iterfind("INDIVIDUALS/INDIVIDUAL"):
        ref = child_text(e, "REFERENCE_NUMBER")
        what = f"{path.name} {ref}"
        name = clean(" ".join(child_text(e, t) for t in
                              ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")))
        listed_on = iso_date(child_text(e, "LISTED_ON"), what)
        aliases, quality = parse_aliases(e, "INDIVIDUAL_ALIAS")
        nationality = "; ".join(dedupe(clean(v.text) for v in e.findall("NATIONALITY/VALUE")))
        entry = {"ref": ref, "type": "individual", "name": name}
        if aliases:
            entry["aliases"] = aliases
        if quality:
            entry["alias_quality"] = quality
        ids = parse_documents(e, "INDIVIDUAL_DOCUMENT")
        if ids:
            entry["identifiers"] = ids
        entry["listed_on"] = listed_on
        entry["listing"] = listing_for(
            listed_on, what, "1718 (2006) para. 8(d) (asset freeze) and 8(e) (travel ban)")
        if nationality:
            entry["nationality"] = nationality
        comments = child_text(e, "COMMENTS1")
        if comments:
            entry["comments"] = comments
        individuals.append(entry)

    for e in root.iterfind("ENTITIES/ENTITY"):
        ref = child_text(e, "REFERENCE_NUMBER")
        what = f"{path.name} {ref}"
        listed_on = iso_date(child_text(e, "LISTED_ON"), what)
        aliases, quality = parse_aliases(e, "ENTITY_ALIAS")
        entry = {"ref": ref, "type": "entity", "name": child_text(e, "FIRST_NAME")}
        if aliases:
            entry["aliases"] = aliases
        if quality:
            entry["alias_quality"] = quality
        ids = parse_documents(e, "ENTITY_DOCUMENT")
        if ids:
            entry["identifiers"] = ids
        entry["listed_on"] = listed_on
        entry["listing"] = listing_for(listed_on, what, "1718 (2006) para. 8(d)")
        comments = child_text(e, "COMMENTS1")
        if comments:
            entry["comments"] = comments
        entities.append(entry)

    individuals.sort(key=lambda x: ref_key(x["ref"]))
    entities.sort(key=lambda x: ref_key(x["ref"]))
    return published, individuals, entities


# ---------------------------------------------------------------- CSV (vessels)

def numbered_values(value):
    """'1: 529734000 2: 515721000' / '1:445498000' -> ['529734000', '515721000']."""
    value = clean(value)
    if not value or value.lower() == "na":
        return []
    parts = re.split(r"(?:^|\s)\d+\s*[:.]\s*", value)
    return dedupe(clean(p) for p in parts if clean(p))


def not_na(value):
    value = clean(value)
    return "" if value.lower() == "na" else value


def parse_vessels(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    vessels = []
    for row in rows:
        names = [clean(n) for n in row["names"].split("|")]
        names = [n for n in names if n]
        if not names:
            raise BuildError(f"{path.name}: row without a vessel name: {row!r}")
        name = names[0]
        what = f"{path.name} {name}"
        imo = not_na(row["imo"])
        if imo and not re.fullmatch(r"\d{7}", imo):
            raise BuildError(f"{what}: unexpected IMO number {imo!r}")
        ids = []
        if imo:
            ids.append({"type": "imo", "value": imo})
        for mmsi in numbered_values(row["mmsi"]):
            if not re.fullmatch(r"\d{9}", mmsi):
                raise BuildError(f"{what}: unexpected MMSI {mmsi!r}")
            ids.append({"type": "mmsi", "value": mmsi})
        for cs in numbered_values(row["call_sign"]):
            ids.append({"type": "call_sign", "value": cs})

        measures = []
        for col in VESSEL_MEASURES:
            v = clean(row[col]).lower()
            if v == "yes":
                measures.append(col)
            elif v not in ("na", ""):
                raise BuildError(f"{what}: unexpected value {row[col]!r} in column {col}")
        omm = "omm_economic_resource" in measures

        listed_on = printed_date(clean(row["designated"]), what)
        entry = {"ref": f"IMO {imo}" if imo else f"NAME {name.upper()}",
                 "type": "vessel", "name": name}
        if len(names) > 1:
            entry["former_names"] = names[1:]
        if ids:
            entry["identifiers"] = ids
        entry["listed_on"] = listed_on
        if omm:
            entry["identified_on"] = OMM_IDENTIFIED_ON
            entry["listing"] = {
                "resolution": OMM_RESOLUTION, "year": 2016,
                "note": (f"identified in resolution 2270 (2016) Annex III on {OMM_IDENTIFIED_ON} "
                         f"as an economic resource of Ocean Maritime Management (KPe.020), asset "
                         f"freeze under 2270 (2016) para. 23; the vessels list prints "
                         f"{clean(row['designated'])}")}
        else:
            basis = "; ".join(MEASURE_BASIS[m] for m in measures) or "1718 (2006)"
            entry["listing"] = listing_for(listed_on, what, basis)
        flag = not_na(row["flag"])
        if flag:
            entry["flag"] = flag
        vtype = not_na(row["type"])
        if vtype:
            entry["vessel_type"] = vtype
        entry["measures"] = measures
        comments = not_na(row["other_information"])
        imo_note = not_na(row["imo_note"])
        if imo_note:
            comments = clean(f"{comments} IMO number: {imo_note} (as printed in the list).")
        if comments:
            entry["comments"] = comments
        vessels.append(entry)
    vessels.sort(key=lambda x: (x["name"].casefold(), x["name"]))
    return vessels


def file_date(path):
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    if not m:
        raise BuildError(f"{path.name}: cannot read the list date from the file name; "
                         f"pass --vessels-date YYYY-MM-DD")
    return iso_date(m.group(1), path.name)


# ---------------------------------------------------------------- output

def flow(value):
    """JSON-style flow value; also escape the characters YAML treats as line breaks."""
    s = json.dumps(value, ensure_ascii=False)
    for ch, esc in (("\u0085", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
                    ("\ufeff", "\\ufeff")):
        s = s.replace(ch, esc)
    return s


def render(list_id, title, source, entries):
    lines = [
        f"# Generated by {SCRIPT} from {source['file']}. Do not edit by hand: re-run the script.",
        f"id: {flow(list_id)}",
        f"title: {flow(title)}",
        f"kind: {flow('designation')}",
        "source:",
    ]
    for key in ("publisher", "document", "published", "file", "note"):
        lines.append(f"  {key}: {flow(source[key])}")
    lines.append("entries:")
    for entry in entries:
        first = True
        for key, value in entry.items():
            lines.append(f"{'  - ' if first else '    '}{key}: {flow(value)}")
            first = False
    return "\n".join(lines) + "\n"


def validate(name, entries):
    refs = [e["ref"] for e in entries]
    dupes = sorted({r for r in refs if refs.count(r) > 1})
    if dupes:
        raise BuildError(f"{name}: duplicate refs {dupes}")

    def walk(value, where):
        if isinstance(value, str):
            if value != value.strip() or not value:
                raise BuildError(f"{name}: empty or untrimmed string at {where}: {value!r}")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k, where)
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    for e in entries:
        walk(e, e["ref"])
        for key in ("listed_on", "identified_on"):
            if key in e:
                iso_date(e[key], f"{name} {e['ref']} {key}")


def build(xml_path, vessels_path, vessels_date=None):
    published, individuals, entities = parse_xml(xml_path)
    vessels = parse_vessels(vessels_path)
    vessels_published = vessels_date or file_date(vessels_path)
    xml_doc = "Security Council Consolidated List, DPRK part (UN_LIST_TYPE = DPRK)"
    xml_note_common = (
        "Names, aliases, documents and COMMENTS1 as in the XML, with whitespace trimmed and "
        "collapsed. listed_on is LISTED_ON; listing names the resolution adopted that day, or "
        "marks a designation by the 1718 Committee (dates on which no resolution was adopted).")
    files = {
        "un-1718-individuals.yaml": render(
            "un-1718-individuals",
            "UN 1718 Committee list: designated individuals (asset freeze and travel ban)",
            {"publisher": "United Nations Security Council", "document": xml_doc,
             "published": published, "file": xml_path.name,
             "note": xml_note_common + " name joins FIRST_NAME to FOURTH_NAME. Passports printed "
                     "again under their French and Spanish labels are given once, as passport."},
            individuals),
        "un-1718-entities.yaml": render(
            "un-1718-entities",
            "UN 1718 Committee list: designated entities (asset freeze)",
            {"publisher": "United Nations Security Council", "document": xml_doc,
             "published": published, "file": xml_path.name,
             "note": xml_note_common + " aliases include a.k.a. and f.k.a. names; the XML gives "
                     "no good/low quality for entity aliases."},
            entities),
        "un-1718-vessels.yaml": render(
            "un-1718-vessels",
            "UN 1718 Committee Designated Vessels List",
            {"publisher": "United Nations Security Council, Committee established pursuant to "
                          "resolution 1718 (2006)",
             "document": "1718 Designated Vessels List",
             "published": vessels_published, "file": vessels_path.name,
             "note": ("Vessels have no UN reference number: ref is 'IMO <number>', or "
                      "'NAME <name in upper case>' for a vessel without an IMO number (none is "
                      "made up). name is the first name printed, former_names the former names printed after it. "
                      "listed_on is the date of designation as printed (DD-Mon-YY). Vessels "
                      "listed as economic resources of Ocean Maritime Management (KPe.020, "
                      "measure omm_economic_resource) carry 21-Jun-17 in the list, but were "
                      f"first identified in resolution 2270 (2016) Annex III on {OMM_IDENTIFIED_ON} "
                      "and the asset freeze (2270 para. 23) applied to them from then: their "
                      "entries keep listed_on as printed and add identified_on. A rule that asks "
                      "since when a vessel was subject to measures takes identified_on when "
                      "present, else listed_on.")},
            vessels),
    }
    for name, entries in (("un-1718-individuals.yaml", individuals),
                          ("un-1718-entities.yaml", entities),
                          ("un-1718-vessels.yaml", vessels)):
        validate(name, entries)
    counts = {"un-1718-individuals.yaml": len(individuals),
              "un-1718-entities.yaml": len(entities),
              "un-1718-vessels.yaml": len(vessels)}
    return files, counts


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--xml", type=Path, default=DEFAULT_XML,
                   help="UN consolidated list XML, DPRK part (default: %(default)s)")
    p.add_argument("--vessels-csv", type=Path, default=DEFAULT_VESSELS_CSV,
                   help="1718 Designated Vessels List as CSV (default: %(default)s)")
    p.add_argument("--vessels-date", help="date of the vessels list, YYYY-MM-DD "
                   "(default: the date in the CSV file name)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="output directory (default: %(default)s)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the files in --out differ from the output")
    args = p.parse_args(argv)

    try:
        files, counts = build(args.xml, args.vessels_csv, args.vessels_date)
    except (BuildError, OSError, ET.ParseError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.check:
        stale = []
        for name, text in files.items():
            path = args.out / name
            if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
                stale.append(str(path))
        if stale:
            print("stale or missing (re-run python3 scripts/build_1718_lists.py):",
                  *stale, sep="\n  ", file=sys.stderr)
            return 1
        print("up to date: " + ", ".join(f"{n} ({counts[n]})" for n in files))
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_bytes(text.encode("utf-8"))
        print(f"wrote {args.out / name} ({counts[name]} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
