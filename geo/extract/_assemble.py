"""Turn the cues, dates, places, counts and sources of each sentence into proposed incidents."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from geo._dates import Period, parse_period
from geo._errors import Problem
from geo.extract._cues import (
    Cue,
    EventMention,
    casualty_count,
    find_events,
    has_cue,
    split_toll,
    stated_toll,
)
from geo.extract._dates import DateMention, find_dates, publication_date
from geo.extract._documents import Document
from geo.extract._places import PlaceIndex, PlaceMention
from geo.extract._roles import intervention, retype, without_grievances
from geo.extract._sentences import Sentence, split_sentences
from geo.extract._sources import dateline_source, sentence_source

__all__ = ["Proposal", "propose"]

Escalation = tuple[str, frozenset[str], list[Cue]]


@dataclass(frozen=True)
class Proposal:
    """One proposed incident (a row of ``proposed.csv``)."""

    row: dict[str, object]
    candidates: tuple[tuple[str, float, float], ...]


def _date_text(period: Period) -> tuple[str, str]:
    if period.precision == "year":
        return f"{period.start.year:04d}", "year"
    if period.precision == "month":
        return f"{period.start.year:04d}-{period.start.month:02d}", "month"
    return period.start.isoformat(), period.precision


def _nearest(items: Sequence[DateMention] | Sequence[PlaceMention], at: int) -> int:
    return min(range(len(items)), key=lambda i: (abs(items[i].start - at), i))


# the slot of the unit a place lies in: "Hays (Al Hudaydah)", "Kamianka, Donetsk"
_UNIT_SLOT = re.compile(r"\([^()]*$|[A-Za-z][\w'’.-]*,\s*$")


def _pick_place(places: Sequence[PlaceMention], at: int, text: str) -> PlaceMention | None:
    # a name that is both a town and a first-level unit ("Beijing") is the unit where it
    # stands in the unit slot, after the place it holds
    units = {p.start for p in places if p.kind == "admin1"}
    places = [p for p in places if not (p.kind == "town" and p.start in units
                                        and _UNIT_SLOT.search(text[:p.start]))]
    local = [p for p in places if p.local] or list(places)
    if not local:
        return None
    best = min(p.geo_precision for p in local)
    finest = [p for p in local if p.geo_precision == best]
    return finest[_nearest(finest, at)]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "doc"


#: types whose count is the death toll where the text gives one ("killing 7")
_TOLL_TYPES = frozenset({"armed_clash", "attack_on_civilians", "explosion_remote_violence",
                         "death_in_transit", "unrest"})


@dataclass
class _Doc:
    doc: Document
    pub: Period | None
    pub_rule: str
    countries: set[str]
    main_country: str
    source: str
    sentences: Sequence[Sentence]
    _toll: tuple[int | None, str] | None = None

    @property
    def toll(self) -> tuple[int | None, str]:
        """The first death toll of the document (looked for once, when first needed)."""
        if self._toll is None:
            self._toll = _document_toll(self.sentences, self.pub)
        return self._toll


def _publication(doc: Document) -> tuple[Period | None, str, list[Problem]]:
    if doc.published:
        try:
            return parse_period(doc.published), f"publication date {doc.published} (given)", []
        except ValueError as exc:
            return None, "", [Problem(doc.origin or doc.source_id, "-", "published", str(exc))]
    found = publication_date(doc.text)
    if found:
        period, rule = found
        return period, f"publication date {_date_text(period)[0]} from the {rule}", []
    return None, "", [Problem(doc.origin or doc.source_id, "-", "published",
                              "no publication date given or written in the text: relative "
                              "dates and dates without a year are left out (give published)")]


def _context(doc: Document, index: PlaceIndex, sentences: Sequence[Sentence]
             ) -> tuple[set[str], str]:
    counts: Counter[str] = Counter(index.countries)
    for s in sentences:
        for m in index.countries_and_units(s.text):
            if m.kind == "country" or (m.kind == "admin1" and "unit word" in m.rule):
                counts[m.country] += 1
    main = counts.most_common(1)[0][0] if counts else ""
    return set(counts), main


def _escalate(rows: list[Proposal], state: _Doc, escalation: Sequence[Escalation]) -> None:
    """A proposal of a type another type escalates becomes that type when the document holds
    one of its escalation cues (a protest the police dispersed is unrest) where it tells of
    force, not of the grievance (:func:`geo.extract._roles.intervention`); one that becomes
    a type with a death toll takes the document's toll ("… police opened fire. 2 protesters
    were killed.")."""
    sentences = state.sentences
    for target, sources, cues in escalation:
        word = next((m.group() for s in sentences for c in cues if c.key in s.text.casefold()
                     for m in c.pattern.finditer(s.text) if intervention(s.text, m.start())),
                    None)
        if word is None:
            continue
        for prop in rows:
            if prop.row["type"] in sources:
                prop.row["why"] = f"{prop.row['why']}; {prop.row['type']} -> {target}: the " \
                                  f"text says {word!r}"
                prop.row["type"] = target
                if target in _TOLL_TYPES:
                    _add_toll(prop, state)


def propose(doc: Document, index: PlaceIndex, cues: Sequence[Cue],
            escalation: Sequence[Escalation] = ()) -> tuple[list[Proposal], list[Problem]]:
    """Proposed incidents of one document, and the problems to report about it."""
    sentences = split_sentences(doc.text)
    pub, pub_rule, problems = _publication(doc)
    countries, main = _context(doc, index, sentences)
    state = _Doc(doc, pub, pub_rule, countries, main, dateline_source(doc.text), sentences)
    out: list[Proposal] = []
    unresolved = 0
    for number, sentence in enumerate(sentences, start=1):
        if not has_cue(sentence.text, cues):
            continue
        dates = find_dates(sentence.text, pub)
        blocked = [(d.start, d.end) for d in dates]
        events, _ = find_events(sentence.text, cues, blocked=blocked, violent=_TOLL_TYPES)
        events = retype(sentence.text, without_grievances(sentence.text, events))
        if not events:
            continue
        units = index.countries_and_units(sentence.text, context=countries)
        places = units + index.towns(sentence.text, context=countries, units=units)
        seen: set[str] = set()
        for event in events:
            if event.type in seen:
                continue
            seen.add(event.type)
            row = _row(state, sentence, number, event, dates, places, blocked)
            if row is None:
                unresolved += 1
                continue
            out.append(row)
    if unresolved:
        problems.append(Problem(doc.origin or doc.source_id, "-", "published",
                                f"{unresolved} event(s) not proposed: their date needs the "
                                "publication date"))
    _escalate(out, state, escalation)
    return _merge_repeats(out, doc.source_id), problems


def _add_toll(prop: Proposal, state: _Doc) -> None:
    """The death toll of an escalated proposal: its sentence's, else the document's (over
    a count of protesters it had as a protest); no toll leaves the count as it was."""
    sentence = str(prop.row["evidence"])
    blocked = [(d.start, d.end) for d in find_dates(sentence, state.pub)]
    count, words = casualty_count(sentence, blocked)
    if count is None:
        count, words = state.toll
    count, words = _stated(state, count, words)
    if count:
        prop.row["count"] = count
        prop.row["why"] = f"{prop.row['why']}; count {words!r}"


def _document_toll(sentences: Sequence[Sentence], pub: Period | None
                   ) -> tuple[int | None, str]:
    """The first death toll of the document, for a violent event whose sentence gives none."""
    for sentence in sentences:
        blocked = [(d.start, d.end) for d in find_dates(sentence.text, pub)]
        toll = casualty_count(sentence.text, blocked)
        if toll[0] is not None:
            return toll
    return None, ""


def _stated(state: _Doc, count: int | None, words: str) -> tuple[int | None, str]:
    """The toll a text states as such ("Fatalities coded as 3", "4 fatalities.") over the
    one found beside the cue, and a toll the text splits over several events divided."""
    texts = [s.text for s in state.sentences]
    stated, stated_words = stated_toll(texts)
    if stated is not None:
        return stated, stated_words
    if count:
        part, split = split_toll(texts, count)
        if split:
            return part, f"{words}, {split}"
    return count, words


_OPENING = 15  # "On 5 May 2021," "Around 5 May 2021," "On or about 5 May"


def _when(state: _Doc, event: EventMention, dates: Sequence[DateMention]
          ) -> tuple[Period, Period | None, str, float] | None:
    if dates:
        d = dates[_nearest(dates, event.start)]
        # a sentence that opens with its day ("On 5 May 2021, workers sacked in March
        # protested") dates its events by that day, not by a vaguer date nearer the cue
        opening = next((o for o in dates if o.start <= _OPENING
                        and o.period.precision == "day"), None)
        if opening is not None and d.period.precision in ("month", "year") and d is not opening:
            d = opening
        year_note = ("" if re.search(r"\d{4}", d.text) or d.rule not in
                     ("day_month", "month_day", "range_d_d_m", "range_m_d_d", "part_month",
                      "in_month") else ", year from the publication date")
        return d.period, d.end_period, f"date {d.text!r} ({d.rule}{year_note})", 0.2
    if state.pub is None:
        return None
    pub = state.pub
    if pub.precision in ("month", "year"):
        return pub, None, f"no date in the sentence: the publication {pub.precision}", 0.0
    return (parse_period(pub.start.isoformat()[:7]), None,
            "no date in the sentence: the publication month", 0.0)


def _row(state: _Doc, sentence: Sentence, number: int, event: EventMention,
         dates: Sequence[DateMention], places: Sequence[PlaceMention],
         blocked: Sequence[tuple[int, int]]) -> Proposal | None:
    when = _when(state, event, dates)
    if when is None:
        return None
    period, end_period, date_why, date_score = when
    place = _pick_place(places, event.start, sentence.text)
    count, count_text = event.count, event.count_text
    if event.type in _TOLL_TYPES or count is None:
        toll, toll_text = casualty_count(sentence.text, blocked)
        if toll is None and event.type in _TOLL_TYPES:
            toll, toll_text = state.toll
        if toll is not None:
            count, count_text = toll, toll_text
    if event.type in _TOLL_TYPES:
        count, count_text = _stated(state, count, count_text)
    date_text, precision = _date_text(period)
    row: dict[str, object] = {
        "incident_id": "", "date": date_text,
        "end_date": _date_text(end_period)[0] if end_period else "",
        "type": event.type, "lat": "", "lon": "", "place": "", "admin1": "", "country": "",
        "date_precision": precision, "geo_precision": "", "count": count if count else "",
        "source_name": sentence_source(sentence.text) or state.source,
        "source_url": "", "source_date": _date_text(state.pub)[0] if state.pub else "",
        "source_quality": "", "notes": "", "visibility": "",
    }
    why = [f"cue {sentence.text[event.start:event.end]!r} ({event.type}: {event.cue!r})"
           if not event.role else f"cue {sentence.text[event.start:event.end]!r} "
           f"({event.cue!r}), {event.type}: {event.role}"]
    score = 0.45 + date_score
    candidates: tuple[tuple[str, float, float], ...] = ()
    if place is not None:
        row.update(country=place.country, geo_precision=place.geo_precision)
        if place.kind == "town":
            row.update(place=place.name, lat=place.lat, lon=place.lon, admin1=place.admin1)
            candidates = tuple((f"{c.name} {c.country} (pop {c.population:,})", c.lat, c.lon)
                               for c in place.candidates)
        elif place.kind == "admin1":
            row.update(admin1=place.admin1)
        if place.kind != "town" and place.lat == place.lat:  # a unit with a point (not NaN)
            candidates = ((f"{place.name} ({place.kind})", place.lat, place.lon),)
        why.append(f"place {place.name!r} ({place.rule}, geo_precision {place.geo_precision})")
        score += {1: 0.25, 2: 0.2, 3: 0.15, 4: 0.05}[place.geo_precision]
    elif state.main_country:
        row.update(country=state.main_country, geo_precision=4)
        why.append(f"no place in the sentence: {state.main_country}, the country the document "
                   "names most (geo_precision 4)")
    else:
        why.append("no place found: add one by hand")
    why.append(date_why)
    if state.pub_rule and (date_score == 0.0 or "publication" in date_why
                           or (dates and dates[0].rule not in ("iso_day", "numeric_day"))):
        why.append(state.pub_rule)
    if count:
        why.append(f"count {count_text!r}")
        score += 0.05
    row.update(status="proposed", source_id=state.doc.source_id, evidence=sentence.text,
               evidence_start=sentence.start, evidence_end=sentence.end,
               confidence=round(min(score, 0.95), 2), why="; ".join(why), sentence=number)
    return Proposal(row, candidates)


def _merge_repeats(rows: list[Proposal], source_id: str) -> list[Proposal]:
    """One proposal per type and place in a document: a later sentence that only repeats an
    earlier event (same type, same place, a date within the earlier one's month) is dropped
    and named in the first one's ``why``."""
    kept: list[Proposal] = []
    for prop in rows:
        r = prop.row
        twin = next((k for k in kept if k.row["type"] == r["type"]
                     and (k.row["place"], k.row["admin1"], k.row["country"])
                     == (r["place"], r["admin1"], r["country"])
                     and str(k.row["date"])[:7] == str(r["date"])[:7]), None)
        if twin is not None:
            twin.row["why"] = f"{twin.row['why']}; repeated in sentence {r['sentence']}"
            continue
        kept.append(prop)
    for i, prop in enumerate(kept, start=1):
        prop.row["incident_id"] = f"{_slug(source_id)}-{i:02d}"
        del prop.row["sentence"]
    return kept


def today_guard(rows: Sequence[Proposal], today: date) -> list[Proposal]:
    """Proposals not dated after ``today`` (a misread future date is dropped, not invented)."""
    return [p for p in rows if parse_period(str(p.row["date"])).start <= today]
