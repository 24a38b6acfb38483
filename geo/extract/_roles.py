"""Who did what to whom: the violent types of coded event data follow the actors, not the verb.

Event datasets define their violent categories by the parties (ACLED: *Battles* are between
two organised armed groups, *Violence against civilians* is an armed group against unarmed
people, *Mob violence* is violence by an unorganised crowd; UCDP GED: state-based and
non-state conflict against one-sided violence). A cue such as *killed* or *attacked* says only
that violence happened; the words around it say between whom. The rules, each named in a
proposal's ``why``:

* **armed target**: an attack on civilians whose target (the words after an active verb, or
  before a passive one: "attacked a police post", "two soldiers were killed") is an armed party
  is an armed clash;
* **crowd actor**: an attack done by an unorganised crowd ("residents beat up …", "was
  attacked by a group of youths") and a clash between crowds or of a crowd with police ("two
  groups clashed", "clashes between residents and police") are unrest (ACLED *Mob violence*,
  *Violent demonstration*); a clash with an armed group, or between clans, tribes or
  communities (communal militias in ACLED), stays a clash unless fought with sticks and
  stones; an armed party's own groups ("two groups of police forces", "2 groups of Al
  Shabaab") are no crowd, a political party's members, groups and factions are (ACLED codes
  party supporters' violence as *Mob violence*); the crowd is read back across "and"
  ("supporters of A and B clashed");
* **direct fire**: shelling or explosives in a sentence that also tells of direct fire ("mortars
  and small arms", "an exchange of fire") are an armed clash (a battle fought partly with
  heavy weapons);
* **raids and road blocks**: a raid by no state force is an attack, not a crackdown; road
  blocks mounted by a crowd are a protest (that its force may make unrest), not a checkpoint;
* **abducted and killed**: an abduction in a sentence that also tells of a killing is an attack
  (an abduction is coded only when the person is not reported killed).

What a protest is about is not an event: "protested against the arrest of a journalist" and
"demonstrated over the killing of a student" are protests, not an arrest or an attack, and the
same words do not make the protest unrest (:func:`grievance`, :func:`intervention`).

The word lists are below; they name the parties, not the types, so a user's cue lexicon
(``[types.NAME] cues``) stays the place to teach new events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from geo.extract._cues import _NEGATION, EventMention

__all__ = ["grievance", "intervention", "retype", "without_grievances"]

CRACKDOWN, CHECKPOINT = "crackdown", "checkpoint"
# state forces: a raid by one is a crackdown, by anyone else an attack
_STATE = re.compile(r"\b(?:police|policem[ae]n|officers?|security\s+(?:forces|agents|agencies)|"
                    r"soldiers|troops|army|military|gendarm\w*|authorities|immigration|"
                    r"customs|agents|officials|detectives|DCI|NIS|KDF|warplanes?|jets?|"
                    r"aircraft|air\s+force|navy|coalition)\b", re.IGNORECASE)
CLASH, ATTACK, BLAST, ABDUCTION, UNREST = ("armed_clash", "attack_on_civilians",
                                           "explosion_remote_violence", "abduction", "unrest")

# organised armed parties: state forces and armed groups (and what they hold and move in)
_ARMED = re.compile(
    r"\b(?:soldiers?|troops?|army|armed\s+forces|military|servicem[ae]n|"
    r"police(?:m[ae]n|wom[ae]n)?|check\s*points?|"
    r"police\s+(?:officers?|post|station|checkpoint|patrol|vehicle)|officers?|gendarmes?|"
    r"gendarmerie|security\s+(?:forces?|personnel|officials?|guards?|men)|forces|"
    r"personnel|militants?|insurgents?|rebels?|fighters?|militias?|militiam[ae]n|gunmen|"
    r"jihadists?|terrorists?|bandits?|guerrill?as?|combatants?|paramilitar(?:y|ies)|"
    r"commanders?|convoy|checkpoints?|base|outpost|barracks|patrol|positions?|"
    r"gangs?|gang\s+members?|gangsters?|cartels?|(?:drug\s+)?traffickers?|"
    r"Taliban|Shabaa?b|Boko\s+Haram|ISIS|ISIL|IS[WK]AP|JNIM|Daesh|Houthis?|AMISOM|KDF|"
    r"ANDSF|ANA|ANP|NDS|elements|armed\s+(?:men|group|individuals|assailants))\b",
    re.IGNORECASE)
_CIVIL = re.compile(
    r"\b(?:civilians?|villagers?|residents?|farmers?|herders?|women|children|child|girls?|"
    r"boys?|students?|pupils?|teachers?|traders?|worshippers|passengers|travell?ers|family|"
    r"journalists?|aid\s+workers?|health\s+workers?|patients|displaced|refugees|worker|"
    r"workers|shop(?:keeper)?s?|homes?|houses?|village|unarmed|drivers?|m[ae]n|wom[ae]n|"
    r"persons?|people|boys?|sons?|daughters?|wife|husband|relatives?|hawkers?|vendors?|"
    r"labou?rers?|fishermen|miners?|motorists?|commuters?|beneficiaries|tenants?|"
    r"squatters?)\b", re.IGNORECASE)
# unorganised crowds as the ones who did it
_CROWD = re.compile(
    r"\b(?<!armed\s)(?<!unknown\s)(?<!unidentified\s)(?:mobs?|crowds?|groups|"
    r"(?:[0-9]+|two|three|four|five|six|seven|eight|nine|ten|dozens\s+of|hundreds\s+of|"
    r"several|many)\s+(?:people|persons)|inhabitants|(?:party\s+)?(?:activists|workers|cadres)|residents|villagers|locals|local\s+(?:people|residents|men|"
    r"youths?)|youths|students|supporters|relatives|citizens|"
    r"members\s+of\s+the\s+public|group\s+of\s+(?:men|people|youths|locals|residents|villagers"
    r"|students|persons)|angry\s+\w+|inmates|prisoners|rioters|protesters|demonstrators|"
    r"passers-by|neighbou?rs|family\s+members|(?:dozens|hundreds|scores|thousands)\s+of\s+\w+|"
    r"(?:a\s+)?group\s+of\s+\w+|accomplices|rivals|followers|henchmen|nationals|"
    r"(?:another|rival|both|opposing)\s+groups?|members|leaders|factions?|factional|refugees|"
    r"traders|hawkers|vendors)\b",
    re.IGNORECASE)
# political parties and their wings: their members' violence is a crowd's (ACLED codes party
# supporters as rioters), their groups and factions no armed party
_PARTY = re.compile(r"\b(?:(?i:part(?:y|ies)|league|candidates?|councill?ors?|chairman)|Dal|"
                    r"Congress|Samaj\w*|Shibir|Jamaat\w*|Awami|BNP|BCL|JCD|AL|BJP|TMC|CPI|PTI|"
                    r"PPP|PML\S*|MQM|ODM|UDA|Jubilee|ANC|ZANU\S*|MDC|APC|PDP|MP)\b")
# crowd words that are a crowd only as a party's ("members", "leaders", "factions")
_PARTY_ONLY = frozenset({"members", "leaders", "faction", "factions", "factional"})
# a crowd word that names part of an organised party: "2 groups of police forces", "two Al
# Shabaab groups", "hundreds of soldiers"
_PART_OF = re.compile(r"\b(?:groups?|dozens|hundreds|scores|thousands)\s+of\s+(?:the\s+)?"
                      r"(?:[A-Z](?![\w-]*\s+(?:community|communities|clan|tribe|famil|caste|"
                      r"village))|\w+\s+(?:forces|police|soldiers|troops)\b)")


# what an arson that harms no one destroys (ACLED *Looting/property destruction*)
_PROPERTY = re.compile(
    r"\b(?:houses?|homes?|huts?|shops?|stores?|kiosks?|stalls?|markets?|vehicles?|cars?|"
    r"trucks?|lorr(?:y|ies)|bus(?:es)?|motorcycles?|motorbikes?|buildings?|offices?|"
    r"propert(?:y|ies)|schools?|churche?s?|mosques?|temples?|crops?|fields?|granar(?:y|ies)|"
    r"warehouses?|factor(?:y|ies)|premises|residences?|businesses|hotels?|masts?|towers?|"
    r"stations?|equipment|machinery|tyres|tires|dwellings?|structures?|tents?)\b",
    re.IGNORECASE)
_ARSON = ("set on fire", "torched", "burnt", "burned down", "set fire to", "set ablaze",
          "set afire")
# a fight without weapons is a riot, never a battle
_BRAWL = re.compile(r"\b(?:physical\s+(?:fight|altercation|clash)|fist\s*fights?|brawls?|"
                    r"scuffles?|fisticuffs)\b", re.IGNORECASE)
# an attack told by what it destroyed: "an arson attack", "attacked and damaged the building"
_DAMAGE = re.compile(r"\b(?:arson\w*|material\s+damage|damag(?:ed|ing)|destroy(?:ed|ing))\b",
                     re.IGNORECASE)
_HARM = re.compile(r"\b(?:killed|killing|dead|died|death|injur\w*|wounded|hurt|beat\w*|"
                   r"assault\w*|shot|stabbed|hacked|raped|abduct\w*|kidnap\w*|body|bodies)\b",
                   re.IGNORECASE)


# weapons of a brawl, not of an armed group: "attacked each other with axes and sticks"
_CRUDE = re.compile(r"\b(?:sticks|axes|stones|bricks|clubs|rods|lathis|batons|fists|"
                    r"pelted|pelting|brickbats)\b", re.IGNORECASE)
_FIREARMS = re.compile(r"\b(?:guns?|gunfire|gunshots?|firearms?|rifles?|AK-?47s?|shot|"
                       r"shoot\w*|fired|firing|bullets?|grenades?|pistols?|machetes?)\b",
                       re.IGNORECASE)


def _crude_only(sentence: str) -> bool:
    """Whether a clan or community fight was fought with sticks and stones, not guns."""
    return bool(_CRUDE.search(sentence)) and not _FIREARMS.search(sentence)


def _civil_and_police(sides: str) -> bool:
    """Whether the sides of a clash are unarmed people and the police ("a clash erupted
    between police and shopkeepers")."""
    own = re.split(r"\b(?:in|at|near|outside|inside|over|after|during|on)\b", sides, maxsplit=1,
                   flags=re.IGNORECASE)[0]
    return bool(re.search(r"\bpolice\b", own, re.IGNORECASE)) and bool(
        _CIVIL.search(own)) and not _ARMED_GROUPS.search(own)


# an attack planned on a chosen victim is an armed party's, whoever did it
_TARGETED = re.compile(r"\b(?:targeted|coordinated|planned|pre-?planned|contract)\s+"
                       r"(?:attack|killing|assault|murder)", re.IGNORECASE)


def _crowd(words: str) -> bool:
    """Whether the words name an unorganised crowd (an armed party's own groups are none;
    members, leaders and factions are a crowd only of a party)."""
    for match in _CROWD.finditer(words):
        found = match.group()
        rest = words[match.start():]
        near = " ".join(words[:match.start()].split()[-3:]) + " " + found + " " + " ".join(
            words[match.end():].split()[:5])
        party = _PARTY.search(near) is not None
        if _ARMED_GROUPS.search(re.sub(r"\barmed\s+with\b", "", near)) or (
                _ARMED.search(re.sub(r"\bpolice\b.*", "", near, flags=re.IGNORECASE))
                and not party and found.lower() in _PARTY_ONLY):
            continue
        if (_PART_OF.match(rest) and not party) or _ARMED.match(
                re.sub(r"^.*?\bof\s+(?:the\s+)?", "", found)):
            continue
        if found.lower() == "groups" and re.search(r"[A-Z][\w-]*\s+$", words[:match.start()]) \
                and not party:
            continue
        if found.lower() in _PARTY_ONLY and not party:
            continue
        return True
    return False


_ORGANISED = re.compile(r"\b(?:armed(?!\s+with)|gunmen|militants?|militias?|militiam[ae]n|"
                        r"insurgents?|rebels?|fighters|soldiers|troops|police|forces|bandits|"
                        r"unidentified|unknown|suspected)\b", re.IGNORECASE)
# armed groups (a clash of one with a crowd stays a clash)
_ARMED_GROUPS = re.compile(r"\b(?:militants?|insurgents?|rebels?|militias?|militiam[ae]n|"
                           r"gunmen|jihadists?|terrorists?|bandits?|fighters|armed)\b",
                           re.IGNORECASE)
_GROUPS = re.compile(rf"{_ARMED_GROUPS.pattern}|\b(?:clans?|tribes?|communit(?:y|ies)|ethnic)\b",
                     re.IGNORECASE)
_DIRECT_FIRE = re.compile(
    r"\b(?:small\s+arms|(?:heavy\s+)?machine[-\s]guns?|gunfire|gun\s*fire|gun\s+battles?|"
    r"gunfights?|firefights?|exchang\w*\s+(?:of\s+)?(?:gun)?fire|clash(?:ed|es)?|"
    r"fighting|fought|assault\s+rifles?|rifles?)\b", re.IGNORECASE)
_KILLING = re.compile(r"\b(?:killed|killing|murdered|dead|body|bodies|beheaded|executed|"
                      r"slain|lifeless)\b", re.IGNORECASE)
# (lower case: "an IS attack" is the Islamic State, not a verb)
_PASSIVE = re.compile(r"\b(?:[Ww]as|[Ww]ere|been|being|got|is|are)\s+(?:\w+ly\s+)?$")
# "3 soldiers killed", "Two policemen Killed" (a headline drops the auxiliary)
# (the number opens its clause: "from LIB 538 torched" is no passive)
_BARE_PASSIVE = re.compile(r"(?:^|[.,;:]\s*|\b(?:and|while|when|as|after)\s+)(?:[0-9]+|one|two|"
                           r"three|four|five|six|seven|eight|nine|ten|dozens?|several|many|some)"
                           r"\s+(?:[\w'-]+\s+){0,3}$", re.IGNORECASE)
_ASIDE = re.compile(r"\s*(?:\[[^\]]*\]|\([^)]*\))")
_CLAUSE = re.compile(r"[,;:()\[\]]|\b(?:and|but|while|after|before|as|when|who|which|that|"
                     r"following)\b", re.IGNORECASE)
# where the words after a verb stop (commas kept: "attacked a village, a school and …")
_PHRASE_END = re.compile(r"[.;:()\[\]]|\b(?:and|but|while|after|before|when|who|which|that|"
                         r"following|because|as)\b", re.IGNORECASE)
_WORDS = 8


def _clip_left(text: str) -> str:
    """The words before a verb within its clause (at most eight)."""
    words = text.split()[-_WORDS:]
    tail = " ".join(words)
    cut = list(_CLAUSE.finditer(tail))
    return tail[cut[-1].end():] if cut else tail


_CLAUSE_WIDE = re.compile(r"[;:()\[\]]|,(?!\s+(?:and|including)\b)|\b(?:but|while|after|before|"
                          r"as|when|who|which|that|following)\b", re.IGNORECASE)


def _clip_left_wide(text: str) -> str:
    """The words before a verb back to the start of its clause, across "and" ("supporters of
    A and B clashed", "a group of people tied up and assaulted"; twelve words at most)."""
    tail = " ".join(text.split()[-12:])
    cut = list(_CLAUSE_WIDE.finditer(tail))
    return tail[cut[-1].end():] if cut else tail


def _clip_right(text: str) -> str:
    """The words after a verb up to the end of its phrase (at most eight)."""
    head = " ".join(text.split()[:_WORDS])
    cut = _PHRASE_END.search(head)
    return head[:cut.start()] if cut else head


def _armed_first(target: str) -> bool:
    """Whether the target names an armed party before any civilian one ("LNA forces in a
    village": armed; "a village guarded by soldiers": civilian)."""
    # "shot at a police station", "opened fire on a patrol": the target follows the preposition
    target = re.sub(r"^\s*(?:at|on|upon|towards?)\s+", "", target, flags=re.IGNORECASE)
    # the target's own words, not where it was ("a driver outside the naval base")
    target = re.split(r"\b(?:in|at|outside|near|inside|around|from|on|along|close\s+to|"
                      r"between|during|while)\b", target, maxsplit=1, flags=re.IGNORECASE)[0]
    armed, civil = _ARMED.search(target), _CIVIL.search(target)
    return armed is not None and (civil is None or armed.start() < civil.start())


def roles(sentence: str, start: int, end: int, *, gap: bool = False) -> tuple[str, str]:
    """``(actor, target)``: the words of the one who acted and the one acted on.

    >>> roles("Gunmen attacked a police post near the town.", 7, 15)
    ('Gunmen', 'a police post near the town')
    >>> roles("Two soldiers were killed by militants.", 18, 24)
    ('militants', 'Two soldiers')
    """
    # asides do not break the phrase: "1 security personnel [assumed military] was killed"
    before, after = _ASIDE.sub("", sentence[:start]), _ASIDE.sub("", sentence[end:])
    verb = re.match(r"\S+", sentence[start:end])
    if gap and verb and not _PASSIVE.search(before):
        # a cue with a gap ("attacked ... village") holds its target: read from its verb on
        after = _ASIDE.sub("", sentence[start + verb.end():])
    participle = sentence[start:end].lower().endswith("ed")
    if _PASSIVE.search(before) or (participle and re.match(r"\s+by\b", after, re.IGNORECASE)) \
            or (participle and _BARE_PASSIVE.search(before)
                and not re.match(r"\s+(?:and\s+\w+\s+)?(?:a|an|the|[0-9]+|his|her|their)\b", after,
                                 re.IGNORECASE)):
        target = _clip_left(re.sub(r"\s*" + _PASSIVE.pattern, "", before, flags=re.IGNORECASE))
        by = re.match(r"\s*(?:[\w-]+\s+){0,3}?by\s+(.*)", after, re.IGNORECASE | re.DOTALL)
        return (_clip_right(by.group(1)) if by else "").strip(), target.strip()
    # "shot and wounded three police officers": the object follows the second verb
    after = re.sub(r"^\s*(?:,\s*)?and\s+(?:\w+ly\s+)?(?:wounded|injured|killed|beat|beaten|"
                   r"hurt|abducted|kidnapped|robbed|looted|assaulted|attacked|shot|stabbed|"
                   r"hacked|burnt|burned|torched|vandali[sz]ed)\b", "", after, flags=re.IGNORECASE)
    return _clip_left(before).strip(), _clip_right(after).strip()


def retype(sentence: str, events: Sequence[EventMention]) -> list[EventMention]:
    """The events with their type set by the parties (module docstring); ``why`` says so.

    >>> from geo.extract._cues import _NEGATION, EventMention as E
    >>> [e.type for e in retype("Militants attacked an army base.",
    ...                         [E("attack_on_civilians", "~attacked", 10, 18, None, "")])]
    ['armed_clash']
    """
    out = []
    for event in events:
        new, why = _retype_one(sentence, event)
        out.append(replace(event, type=new, role=why) if why else event)
    # "One dead as rebels attack an army base": the sentence's other attack cues follow
    battle = next((e.role for e, o in zip(out, events, strict=True)
                   if o.type == ATTACK and e.type == CLASH), "")
    return [replace(e, type=CLASH, role=battle) if battle and e.type == ATTACK else e
            for e in out]


_PROTEST_WORDS = re.compile(r"\b(?:demonstrat\w*|protest\w*|rall(?:y|ies)|processions?|"
                            r"march\w*|human\s+chains?|sit-ins?|gatherings?)\b", re.IGNORECASE)
_AIR = re.compile(r"\b(?:warplanes?|(?:fighter\s+)?jets?|aircraft|air\s+force|drones?|"
                  r"helicopters?)\b", re.IGNORECASE)


def _retype_one(sentence: str, event: EventMention) -> tuple[str, str]:
    """``(type, why)`` of one event by the rules of the module docstring (``why`` empty when
    no rule applies)."""
    if event.type == CLASH and event.cue in ("foiled", "thwarted") and _PROTEST_WORDS.search(
            _clip_right(sentence[event.end:])):
        return UNREST, "a protest broken up"
    if event.type in (ATTACK, CLASH):
        return _violent(sentence, event)
    before = _clip_left(sentence[:event.start])
    if event.type == CRACKDOWN and event.cue.startswith("raid"):
        if _AIR.search(sentence):
            return BLAST, "a raid from the air"
        if not _STATE.search(sentence):
            return ATTACK, "a raid by no state force"
    if event.type == CHECKPOINT and event.cue.startswith("road") \
            and _crowd(_clip_left_wide(sentence[:event.start])):
        return PROTEST, "roads blocked by a crowd"
    if event.type == UNREST and _ARMED_GROUPS.search(before):
        # "militants clashed with police" is a battle, whatever the cue
        return CLASH, f"an armed group ({before!r})"
    fire = _DIRECT_FIRE.search(sentence)
    if event.type == BLAST and fire:
        return CLASH, f"with direct fire ({fire.group()!r})"
    kill = _KILLING.search(sentence[event.end:])
    if event.type == ABDUCTION and kill:
        return ATTACK, f"abducted and {kill.group()!r}"
    return event.type, ""


def _sides(sentence: str, event: EventMention, actor: str) -> str:
    """The parties of a clash: before it ("two groups clashed"), or after "between", "with",
    "of" ("a clash broke out between two sides of the Green Party members"), or back across
    "and" ("supporters of A and B clashed")."""
    sides = _clip_left(sentence[:event.start])
    after = sentence[event.end:]
    parties = re.match(r"\W*(?:\w+\s+){0,2}?(?:between|with|among)\b|\s+of\b", after,
                       re.IGNORECASE)
    if parties:
        rest = after[parties.end():parties.end() + 120].replace(" and ", " & ")
        sides = f"{actor} {_clip_right(rest)}"
    wide = _clip_left_wide(sentence[:event.start]).strip()
    return wide if not _crowd(sides) and _crowd(wide) else sides


def _subject(before: str) -> str:
    """The first phrase of a clause after an opening date ("On 1 May 2021, residents of X, Y
    county, reportedly" -> "residents of X")."""
    text = re.sub(r"^\W*(?:on|around|in|between|about|by)?\b[^,]{0,40}?\b(?:19|20)[0-9]{2}\s*,",
                  "", before.strip(), flags=re.IGNORECASE)
    return text.split(",")[0].strip() if text != before.strip() else ""


def _violent(sentence: str, event: EventMention) -> tuple[str, str]:
    """An attack or a clash retyped by its parties (crowd actor, armed target, property)."""
    actor, target = roles(sentence, event.start, event.end, gap="..." in event.cue)
    brawl = _BRAWL.search(sentence)
    if event.type == CLASH and brawl and not _FIREARMS.search(sentence):
        return UNREST, f"a brawl ({brawl.group()!r})"
    if event.type == CLASH and event.cue.startswith("ambush") and target \
            and _CIVIL.search(target) and not _armed_first(target):
        return ATTACK, f"an ambush on unarmed people ({target!r})"
    if event.type == CLASH:
        sides = _sides(sentence, event, actor)
        if (_crowd(sides) or _civil_and_police(sides)) and (
                not _GROUPS.search(sides) or _crude_only(sentence)):
            return UNREST, f"between crowds or a crowd and police ({sides.strip()!r})"
        return event.type, ""
    # the doer across "and" ("a group of people tied up and assaulted"), not in a passive,
    # whose target stands before the verb ("7 people killed")
    wide = _clip_left_wide(sentence[:event.start]).strip()
    passive = bool(target) and target in _ASIDE.sub("", sentence[:event.start])
    if wide.endswith(actor) and not _crowd(actor) and not passive:
        actor = wide
    if not passive and not re.sub(r"\b\w+ly\b", "", actor).strip():
        # "On 1 May 2021, residents of X, Y county, reportedly beat up …": the subject is
        # the sentence's first phrase after its date
        actor = _subject(sentence[:event.start]) or actor
    if not event.cue.startswith("dead") and _crowd(actor) and not _ORGANISED.search(actor) \
            and not _TARGETED.search(sentence):
        return UNREST, f"done by a crowd ({actor!r})"
    if (event.cue in _ARSON or _DAMAGE.search(sentence)) and _PROPERTY.search(
            sentence[max(0, event.start - 80):event.end + 80]) \
            and not _HARM.search(sentence) and not _armed_first(target):
        return UNREST, "property destroyed, no one harmed"
    if _armed_first(target):
        return CLASH, f"against an armed party ({target!r})"
    return event.type, ""


PROTEST = "protest"
# words that open what a protest is about ("against the arrest of", "condemning the killing")
_GRIEVANCE = re.compile(
    r"\b(?:against|over|condemn\w*|denounc\w*|demand\w*|decry\w*|protest(?:ing|s)?\s+"
    r"(?:at|of|over|against)|in\s+protest|in\s+solidarity|justice\s+for|release\s+of|"
    r"because\s+of|due\s+to|fear\w*|regarding|about|in\s+response\s+to|in\s+reaction\s+to|"
    r"following|after\s+(?:the|a|an|his|her|their|its|last|recent)|alleged|previous|"
    r"for\s+(?:the\s+)?(?:recovery|return|release|arrest|punishment|justice)|seeking|"
    r"calling\s+for|protesting|prior|recent(?:ly)?|in\s+connection\s+with|"
    r"last\s+(?:week|month|year)|earlier)\b", re.IGNORECASE)


def grievance(text: str, start: int) -> bool:
    """Whether the words just before ``start`` (ten at most, in the same sentence and clause)
    make what follows the grievance of a protest (a past participle only where it is passive or
    describes a noun).

    >>> grievance("They protested against the arrest of a trader.", 27)
    True
    >>> grievance("Police arrested 12 protesters.", 7)
    False
    """
    words = re.split(r"(?<=[.!?])\s|[;:]", text[max(0, start - 120):start])[-1].split()[-10:]
    # with the word itself: "protested for the arrest of the culprits"
    own = re.match(r"[\w'-]+", text[start:])
    if not _GRIEVANCE.search(" ".join(words + ([own.group()] if own else []))):
        return False
    # "demonstrating against the curfew vandalised a station": an active verb after the
    # grievance is what the protesters did; "a student who was beaten", "detained sons" are
    # still the grievance
    word = re.match(r"[\w'-]+", text[start:])
    return not (word and word.group().lower().endswith("ed") and words
                and words[-1].lower() not in _BEFORE_PARTICIPLE)


_BEFORE_PARTICIPLE = frozenset({"was", "were", "been", "being", "is", "are", "who", "which",
                                "that", "of", "the", "a", "an", "his", "her", "their", "its",
                                "recently", "allegedly", "reportedly", "brutally", "wrongly",
                                "unlawfully", "illegally"})


def without_grievances(sentence: str, events: Sequence[EventMention]) -> list[EventMention]:
    """The events less those that are what a protest of the sentence is about.

    >>> from geo.extract._cues import _NEGATION, EventMention as E
    >>> text = "Students protested against the killing of a classmate."
    >>> [e.type for e in without_grievances(text, [E("protest", "protest*", 9, 18, None, ""),
    ...                                            E("attack_on_civilians", "~kill*", 31, 38,
    ...                                              None, "")])]
    ['protest']
    """
    first = min((e.start for e in events if e.type == PROTEST), default=None)
    if first is None:
        return list(events)
    return [e for e in events if e.type == PROTEST or e.start < first
            or not grievance(sentence, e.start)]


# the parties of a protest's policing or of its violence: an escalation cue needs one of them
# in its sentence ("police dispersed them", "protesters torched a car"; not "he was arrested
# in connection with a graft case")
_PROTEST_PARTIES = re.compile(
    r"\b(?:police|policem[ae]n|officers?|security|forces|troops|soldiers|gendarmes?|army|"
    r"authorities|protest\w*|demonstrat\w*|rall\w*|march\w*|crowds?|mobs?|rioters|"
    r"participants|they|them|some|several|many|dozens|people|persons?|individuals|students|"
    r"activists|leaders|members|youths?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"[0-9]+)\b", re.IGNORECASE)


def intervention(sentence: str, start: int) -> bool:
    """Whether an escalation cue at ``start`` tells of force at a protest: not the protest's
    grievance, not denied ("no injuries"), and in a sentence naming protesters or police.

    >>> intervention("Police dispersed the crowd with tear gas.", 7)
    True
    >>> intervention("No one was injured.", 11)
    False
    >>> intervention("He was arrested in a graft case.", 7)
    False
    """
    return (not grievance(sentence, start)
            and not _NEGATION.search(sentence[max(0, start - 60):start])
            and bool(_PROTEST_PARTIES.search(sentence)))
