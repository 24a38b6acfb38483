"""Agreement of ``routerisk extract`` with coded event data (UCDP GED, ACLED): docs/extract.md.

Each coded event's text (UCDP ``source_headline``, ACLED ``notes``) is extracted alone, with its
publication date (UCDP ``source_date``; ACLED: the event's ``year``, which ACLED notes leave out
by house style) and its country (``--country``, as an analyst working on one country gives it).
The first proposal of each text (a note names its coded event first) is compared with the
coded truth:

* place: the proposal's point within 25 km of the coded point (texts whose proposal has a point);
* type: the proposal's type equals the coded category mapped as ``routerisk import`` maps it
  (``geo/importers/_types.py``); "family" also counts the three violent types as one;
* count: the proposal's count equals the coded fatalities, on texts that state a death toll;
* date: the coded date lies in the proposal's period (from its date to its end date, if it
  has one), on texts that state a day and month.

Usage::

    python benchmarks/eval_extract.py acled FILE [FILE…] [--limit N] [--skip N]
    python benchmarks/eval_extract.py ucdp FILE [FILE…] [--exclude tests/realdata/…csv]
    python benchmarks/eval_extract.py acled FILE --not-countries KE,BF,AF,BD,MM,CF

The files are read where they are (ACLED files are never copied into the repository).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from pathlib import Path

import pandas as pd
import pycountry

from geo.extract import extract_documents
from geo.extract._documents import Document
from geo.importers._types import ACLED_TYPES, UCDP_TYPES

VIOLENT = {"armed_clash", "attack_on_civilians", "explosion_remote_violence"}
_TOLL = re.compile(r"\b(?:[0-9]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                   r"twelve|twenty)\b(?:\W+\w+){0,4}?\W+(?:killed|dead|died|deaths|lives)\b|"
                   r"\bkill(?:ed|ing|s)\s+(?:at\s+least\s+)?(?:[0-9]+|one|two|three|four|five|"
                   r"six|seven|eight|nine|ten)\b", re.IGNORECASE)
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|" \
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_DAY_STATED = re.compile(rf"\b[0-3]?[0-9](?:st|nd|rd|th)?\s+{_MONTHS}\b|\b{_MONTHS}\s+"
                         rf"[0-3]?[0-9]\b", re.IGNORECASE)


def _iso2(name: str) -> str:
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return {"Burma": "MM", "Myanmar (Burma)": "MM", "Russia (Soviet Union)": "RU"}.get(
            name, "")


def _acled_dates(col: pd.Series) -> pd.Series:
    """ACLED exports write the date as "31-12-19", "9-May-20", "03 December 2020" (day first)
    or, in newer exports, ISO "2025-04-01", which day-first parsing would read as 4 January."""
    iso = col.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    day_first = pd.to_datetime(col.where(~iso), format="mixed", dayfirst=True)
    return day_first.where(~iso, pd.to_datetime(col.where(iso), format="%Y-%m-%d")).dt.date


def load_acled(path: Path) -> pd.DataFrame:
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t.columns = [c.lower() for c in t.columns]
    sub = t["sub_event_type"].str.casefold().str.strip()
    return pd.DataFrame({
        "id": t["event_id_cnty"], "text": t["notes"], "published": t["year"],
        "country": t["country"].map(_iso2), "lat": pd.to_numeric(t["latitude"]),
        "lon": pd.to_numeric(t["longitude"]),
        "date": _acled_dates(t["event_date"]),
        "type": sub.map(ACLED_TYPES).fillna(""),
        "count": pd.to_numeric(t["fatalities"], errors="coerce"), "dataset": path.name})


def _read_ged(path: Path) -> pd.DataFrame:
    """A GED CSV, or a GED GeoJSON (the point in the geometry when the properties lack it)."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        row = {k: "" if v is None else str(v) for k, v in feature["properties"].items()}
        lon, lat = feature["geometry"]["coordinates"][:2]
        row.setdefault("latitude", str(lat))
        row.setdefault("longitude", str(lon))
        rows.append(row)
    return pd.DataFrame(rows)


def load_ucdp(path: Path) -> pd.DataFrame:
    t = _read_ged(path)
    t = t[t["source_headline"].str.split().str.len() >= 4]
    first = t["source_headline"].str.split(";").str[0].str.strip()
    return pd.DataFrame({
        "id": t["id"], "text": first, "published": t["source_date"].str.split(";").str[0]
        .str.strip().str[:10], "country": t["country"].map(_iso2),
        "lat": pd.to_numeric(t["latitude"]), "lon": pd.to_numeric(t["longitude"]),
        "date": pd.to_datetime(t["date_start"].str[:10]).dt.date,
        # "1" or "1.0" (HDX copies store the code as a float)
        "type": t["type_of_violence"].str.split(".").str[0].map(UCDP_TYPES).fillna(""),
        "count": pd.to_numeric(t["best"], errors="coerce"), "dataset": path.name})


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2)
         * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(math.sqrt(a))


def run(truth: pd.DataFrame) -> tuple[dict[str, object], float]:
    out: list[dict[str, object]] = []
    started = time.perf_counter()
    for country, part in truth.groupby("country", sort=True):
        docs = [Document(str(r.id), str(r.text), str(r.published)) for r in part.itertuples()]
        found = extract_documents(docs, countries=[country] if country else [])
        # the first proposal of the text (a coded note names its event first)
        best = found.proposals.drop_duplicates("source_id")
        out.append(part.merge(best, how="left", left_on="id", right_on="source_id",
                              suffixes=("", "_x")))
    seconds = time.perf_counter() - started
    return score(pd.concat(out, ignore_index=True)), seconds


def score(m: pd.DataFrame) -> dict[str, object]:
    has = m["type_x"].notna() & (m["type_x"] != "")
    lat = pd.to_numeric(m["lat_x"], errors="coerce")
    lon = pd.to_numeric(m["lon_x"], errors="coerce")
    point = has & lat.notna()
    km = [(_km(a, b, c, d) if p else math.nan)
          for a, b, c, d, p in zip(m["lat"], m["lon"], lat, lon, point, strict=True)]
    near = pd.Series(km) <= 25
    typed = has & (m["type"] != "")
    fam_t = m["type"].where(~m["type"].isin(VIOLENT), "violent")
    fam_x = m["type_x"].where(~m["type_x"].isin(VIOLENT), "violent")
    toll = m["text"].str.contains(_TOLL) & (m["count"] > 0) & has
    count_x = pd.to_numeric(m["count_x"], errors="coerce")
    dated = m["text"].str.contains(_DAY_STATED) & has
    in_period = []
    for d, text, prec, end in zip(m["date"], m["date_x"], m["date_precision"], m["end_date"],
                                  strict=True):
        if not isinstance(text, str) or not text:
            in_period.append(False)
            continue
        from geo._dates import parse_period

        p = parse_period(text, precision=prec if isinstance(prec, str) and prec else "")
        # a proposal with an end date ("15-16 January") spans both days
        last = parse_period(end).end if isinstance(end, str) and end else p.end
        in_period.append(p.start <= d <= last)
    in_p = pd.Series(in_period)
    return {
        "texts": len(m), "with_proposal": int(has.sum()),
        "place_n": int(point.sum()), "place_25km": float(near[point].mean()),
        "type_n": int(typed.sum()), "type_exact": float((m["type_x"] == m["type"])[typed].mean()),
        "type_family": float((fam_x == fam_t)[typed].mean()),
        "count_n": int(toll.sum()), "count": float((count_x == m["count"])[toll].mean()),
        "date_n": int(dated.sum()), "date": float(in_p[dated].mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("acled", "ucdp"))
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N texts")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N texts")
    parser.add_argument("--exclude", type=Path, help="CSV whose 'id' column lists events to "
                        "leave out (the texts tuned on)")
    parser.add_argument("--not-countries", default="", help="ISO codes (comma-separated) "
                        "whose events are left out (the countries of the held-out sets)")
    args = parser.parse_args()
    load = load_acled if args.kind == "acled" else load_ucdp
    for path in args.files:
        truth = load(path)
        truth = truth[truth["text"].str.strip() != ""]
        if args.exclude:
            truth = truth[~truth["id"].isin(set(pd.read_csv(args.exclude, dtype=str)["id"]))]
        if args.not_countries:
            truth = truth[~truth["country"].isin(args.not_countries.split(","))]
        truth = truth.iloc[args.skip:]
        if args.limit:
            truth = truth.head(args.limit)
        metrics, seconds = run(truth)
        rate = seconds / max(len(truth), 1) * 10000
        print(path.name, {k: (round(v, 3) if isinstance(v, float) else v)
                          for k, v in metrics.items()}, f"{seconds:.1f} s ({rate:.0f} s/10k)")


if __name__ == "__main__":
    main()
