"""Types set by the parties and counts as coded data count them: short invented notes."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.extract import extract_documents
from geo.extract._documents import Document


def _first(text: str, country: str = "KE") -> pd.Series:
    found = extract_documents([Document("t", text, "2021")], countries=[country]).proposals
    assert not found.empty, text
    return found.iloc[0]


# ---- who did what to whom -----------------------------------------------------------------
@pytest.mark.parametrize(("text", "kind"), [
    # an armed party attacked: a battle
    ("On 3 May 2021, a police officer was shot dead by militants near Garissa.", "armed_clash"),
    ("On 3 May 2021, two soldiers were killed near Garissa.", "armed_clash"),
    ("On 3 May 2021, gunmen opened fire on a checkpoint near Garissa, killing 4 troops.",
     "armed_clash"),
    # unarmed people attacked: violence against civilians
    ("On 3 May 2021, gunmen attacked a bus near Garissa.", "attack_on_civilians"),
    ("On 3 May 2021, two farmers were killed by gunmen near Garissa.", "attack_on_civilians"),
    ("On 3 May 2021, soldiers killed two herders near Garissa.", "attack_on_civilians"),
    # a crowd did it: mob violence (unrest)
    ("On 3 May 2021, residents of Garissa beat up a suspected thief.", "unrest"),
    ("On 3 May 2021, a man was attacked by a group of youths in Garissa.", "unrest"),
    ("On 3 May 2021, villagers attacked two policemen in Garissa.", "unrest"),
])
def test_the_parties_set_the_violent_type(text: str, kind: str) -> None:
    row = _first(text)
    assert row["type"] == kind
    if kind != "attack_on_civilians":
        assert "armed party" in row["why"] or "crowd" in row["why"]


def test_shelling_with_direct_fire_is_a_clash_and_alone_an_explosion() -> None:
    both = _first("On 3 May 2021, rebels fired mortars and small arms at army positions near "
                  "Garissa.")
    assert (both["type"], "direct fire" in both["why"]) == ("armed_clash", True)
    alone = _first("On 3 May 2021, rebels fired mortars at a market near Garissa.")
    assert alone["type"] == "explosion_remote_violence"


def test_abducted_and_killed_is_an_attack_abducted_alone_an_abduction() -> None:
    assert _first("On 3 May 2021, gunmen abducted and killed a trader in Garissa.")["type"] \
        == "attack_on_civilians"
    assert _first("On 3 May 2021, gunmen abducted a trader in Garissa.")["type"] == "abduction"


def test_a_killing_beside_an_arrest_is_its_own_event() -> None:
    found = extract_documents([Document(
        "t", "On 3 May 2021, police beat up traders in Garissa, arresting 6 of them.", "2021")],
        countries=["KE"]).proposals
    assert found["type"].tolist() == ["attack_on_civilians", "arrest"]
    assert found["count"].tolist() == ["", 6]


# ---- what a protest is about is not an event ------------------------------------------------
@pytest.mark.parametrize("text", [
    "On 3 May 2021, journalists protested in Garissa against the arrest of a reporter.",
    "On 3 May 2021, students demonstrated in Garissa over the killing of a classmate.",
    "On 3 May 2021, traders held a protest in Garissa condemning violence against women.",
    "On 3 May 2021, women marched in Garissa demanding the release of detained sons.",
    "On 3 May 2021, activists held a dharna in Garissa demanding justice for a boy who was "
    "beaten to death last week.",
])
def test_a_protest_about_violence_stays_a_peaceful_protest(text: str) -> None:
    found = extract_documents([Document("t", text, "2021")], countries=["KE"]).proposals
    assert found["type"].tolist() == ["protest"]


@pytest.mark.parametrize("text", [
    "On 3 May 2021, traders protested in Garissa; police dispersed them with tear gas.",
    "On 3 May 2021, traders protested in Garissa. Police arrested 4 of them.",
    "On 3 May 2021, students protested in Garissa and torched a car.",
])
def test_a_protest_met_with_force_or_turning_violent_is_unrest(text: str) -> None:
    assert _first(text)["type"] == "unrest"


@pytest.mark.parametrize("text", [
    "On 3 May 2021, traders protested in Garissa. No one was injured.",
    "On 3 May 2021, traders protested in Garissa for the release of a leader. He was arrested "
    "in a graft case last year.",
])
def test_no_force_at_the_protest_no_unrest(text: str) -> None:
    assert _first(text)["type"] == "protest"


def test_what_a_protest_asks_for_is_no_force() -> None:
    text = "On 3 May 2021, traders protested in Garissa for the arrest of the thieves."
    assert _first(text)["type"] == "protest"


@pytest.mark.parametrize(("text", "kind"), [
    ("On 3 May 2021, two groups clashed over land in Garissa.", "unrest"),
    ("On 3 May 2021, residents clashed with police in Garissa.", "unrest"),
    ("On 3 May 2021, militants clashed with villagers in Garissa.", "armed_clash"),
    ("On 3 May 2021, soldiers and militants clashed near Garissa.", "armed_clash"),
    # any crowd counted in dozens, or a group of any unarmed people
    ("On 3 May 2021, dozens of traders clashed with police in Garissa.", "unrest"),
    ("On 3 May 2021, a group of hawkers clashed with council guards in Garissa.", "unrest"),
    ("On 3 May 2021, a trader was attacked by accomplices of a rival trader in Garissa.",
     "unrest"),
    # groups of an armed party are no crowd
    ("On 3 May 2021, two groups of police forces clashed in Garissa over pay.", "armed_clash"),
    ("On 3 May 2021, 2 groups of Al Shabaab clashed near Garissa.", "armed_clash"),
    ("On 3 May 2021, two Jabha Kubwa groups clashed near Garissa.", "armed_clash"),
    # the sides after "took place between": unarmed people and the police
    ("On 3 May 2021, a clash took place between police and hawkers in Garissa.", "unrest"),
    # a community brawl with sticks and stones is a riot, with guns a clash
    ("On 3 May 2021, two groups of the Abdalla community clashed over a well in Garissa and "
     "hit each other with sticks and stones.", "unrest"),
    ("On 3 May 2021, two groups of the Abdalla community clashed over a well in Garissa and "
     "shot at each other.", "armed_clash"),
    # a party's members, groups and factions are a crowd; an armed group's are not
    ("On 3 May 2021, two groups of the Green Party clashed in Garissa.", "unrest"),
    ("On 3 May 2021, members of the Youth League attacked a councillor in Garissa.", "unrest"),
    ("On 3 May 2021, a factional clash between members of the Green Party broke out in "
     "Garissa.", "unrest"),
    ("On 3 May 2021, members of Al Shabaab attacked a police post near Garissa.",
     "armed_clash"),
    # the crowd across "and": "supporters of A and B", "people tied up and beat"
    ("On 3 May 2021, supporters of a councillor and a rival candidate clashed in Garissa.",
     "unrest"),
    ("On 3 May 2021, a group of people tied up and assaulted a herder in Garissa.", "unrest"),
    # "armed with sticks" is no armed group
    ("On 3 May 2021, 30 supporters of a candidate armed with sticks attacked a rival's "
     "agents in Garissa.", "unrest"),
])
def test_a_clash_of_crowds_is_unrest_of_armed_groups_a_clash(text: str, kind: str) -> None:
    assert _first(text)["type"] == kind


# ---- counts as the text states them ---------------------------------------------------------
@pytest.mark.parametrize(("text", "count"), [
    # the number before an active verb counts the killers, not the dead
    ("On 3 May 2021, four gunmen shot dead a trader in Garissa.", 1),
    ("On 3 May 2021, suspected raiders killed three herders near Garissa.", 3),
    # "a" inside a word is not one ("Turkana", "man")
    ("On 3 May 2021, Turkana raiders killed two herders near Garissa.", 2),
    # both groups of the dead
    ("On 3 May 2021, two soldiers and three civilians were killed in Garissa.", 5),
    ("On 3 May 2021, gunmen attacked a bus in Garissa, killing seven people and injuring 12.", 7),
    # "dozens" is not a count
    ("On 3 May 2021, dozens were killed in clashes near Garissa.", ""),
    # a toll the text states as such wins over the number beside the cue
    ("On 3 May 2021, militants attacked a camp near Garissa and killed 10. Fatalities coded "
     "as 4.", 4),
    ("On 3 May 2021, gunmen killed three men in Garissa. Another body was found. 4 fatalities.",
     4),
    # a toll split over several events: this event's share, rounded up
    ("On 3 May 2021, clashes near Garissa left 9 people dead. Fatalities split between two "
     "events.", 5),
])
def test_death_toll_as_the_text_states_it(text: str, count: object) -> None:
    assert _first(text)["count"] == count


@pytest.mark.parametrize(("text", "count"), [
    # the toll of this event wins over the toll of the whole fight
    ("On 3 May 2021, rebels and troops fought near Garissa. Fatalities coded as 15. 15 "
     "fatalities split across 3 events and coded as 4 for this event.", 4),
    # a part of the toll in brackets gives way to the total
    ("On 3 May 2021, troops fought rebels near Garissa. 11 rebels were killed. Rebels said "
     "soldiers died (unknown fatalities coded as 2). Fatalities coded as 13 (11 + 2).", 13),
])
def test_the_toll_of_this_event_and_the_total_win(text: str, count: object) -> None:
    assert _first(text)["count"] == count


@pytest.mark.parametrize(("text", "count"), [
    # headline lists of the dead are summed; the missing are not dead
    ("12 Villagers, Three Soldiers Killed in Garissa Raid", 15),
    ("Two Herders Missing, Four Killed in Garissa Raid", 4),
    # "N among M killed": M died
    ("Two soldiers among 9 killed in Garissa clashes", 9),
])
def test_headline_tolls(text: str, count: object) -> None:
    assert _first(text)["count"] == count


@pytest.mark.parametrize(("text", "kind"), [
    # property burnt and no one harmed: property destruction (unrest)
    ("On 3 May 2021, unknown people set fire to two lorries of a contractor near Garissa.",
     "unrest"),
    ("On 3 May 2021, herders torched the houses of a rival clan elder in Garissa.", "unrest"),
    # people harmed: an attack
    ("On 3 May 2021, gunmen torched houses in Garissa and shot a farmer.",
     "attack_on_civilians"),
])
def test_an_arson_that_harms_no_one_is_property_destruction(text: str, kind: str) -> None:
    assert _first(text)["type"] == kind


def test_a_protest_the_police_opened_fire_on_is_unrest_with_the_toll() -> None:
    row = _first("On 3 May 2021, about 300 nurses staged a protest in Garissa. Police opened "
                 "fire and 2 nurses were killed.")
    assert (row["type"], row["count"]) == ("unrest", 2)


def test_a_protest_met_with_fire_takes_the_toll_of_a_later_sentence() -> None:
    row = _first("On 3 May 2021, traders demonstrated in Garissa against a new levy. Police "
                 "opened fire on them. 2 traders were killed and 5 were injured.")
    assert (row["type"], row["count"]) == ("unrest", 2)


def test_an_armed_target_anywhere_in_the_sentence_makes_its_killing_a_clash() -> None:
    row = _first("On 3 May 2021, one dead as rebels attack an army base near Garissa.")
    assert (row["type"], row["count"]) == ("armed_clash", 1)


@pytest.mark.parametrize(("text", "count"), [
    # the number before "injured" is not the dead
    ("On 3 May 2021, in a clash near Garissa, 1 killed 3 injured.", 1),
    ("On 3 May 2021, in a clash near Garissa, 20 people were injured and one was killed.", 1),
    # deaths said without "killed"
    ("On 3 May 2021, a man was beaten to death by a mob in Garissa.", 1),
    ("On 3 May 2021, two injured traders succumbed in a hospital in Garissa after gunmen shot "
     "them.", 2),
    ("On 3 May 2021, two passengers were burnt alive when attackers torched a bus in Garissa.",
     2),
    ("On 3 May 2021, a man wounded in an attack in Garissa died, raising the death toll to "
     "three.", 3),
    # "and" is not "an" (one)
    ("On 3 May 2021, in Garissa, gunmen killed and injured several traders.", ""),
])
def test_the_dead_not_the_injured(text: str, count: object) -> None:
    assert _first(text)["count"] == count


@pytest.mark.parametrize(("text", "kind"), [
    ("On 3 May 2021, police recovered and defused two bombs near Garissa.",
     "strategic_development"),
    ("On 3 May 2021, youths engaged in stone pelting in Garissa.", "unrest"),
])
def test_recovered_bombs_are_no_explosion_and_stone_pelting_no_battle(text: str,
                                                                      kind: str) -> None:
    assert _first(text)["type"] == kind


# ---- a name that is both a town and a unit, in the unit slot, is the unit -------------------
@pytest.mark.parametrize(("text", "kind", "precision"), [
    ("On 3 May 2021, police arrested 4 people in Kotulo village, Mandera.", "admin1", 3),
    ("On 3 May 2021, police arrested 4 people in Kotulo village (Mandera).", "admin1", 3),
    ("On 3 May 2021, police arrested 4 people in Mandera.", "town", 1),
])
def test_a_town_in_the_unit_slot_is_the_unit(text: str, kind: str, precision: int) -> None:
    row = _first(text)
    assert row["geo_precision"] == precision
    assert (row["place"], row["admin1"]) == (("", "Mandera") if kind == "admin1"
                                             else ("Mandera", row["admin1"]))
    assert (row["lat"] == "") == (kind == "admin1")


@pytest.mark.parametrize(("text", "kind"), [
    # a gathering that demands justice is a protest, and what it is about is no attack
    ("On 3 May 2021, nurses held a procession in Garissa demanding justice for a colleague "
     "who was found dead.", "protest"),
    ("On 3 May 2021, parents gathered in Garissa to demand justice for children beaten by "
     "guards.", "protest"),
    # fire returned: a battle
    ("On 3 May 2021, gunmen fired at a police car in Garissa; the police fired back and killed "
     "two of them.", "armed_clash"),
])
def test_gatherings_that_demand_and_fire_returned(text: str, kind: str) -> None:
    assert _first(text)["type"] == kind


@pytest.mark.parametrize("text", [
    # gangs are organised armed groups
    ("On 3 May 2021, police shot dead three gang members in Garissa."),
    # the target inside a cue with a gap ("attacked ... village")
    ("On 3 May 2021, rebels attacked army units in a village near Garissa."),
    # a cue of several words without a gap ends before its target
    ("On 3 May 2021, a sniper shot and killed 2 soldiers near Garissa."),
    # an aside in brackets does not hide the target; a policewoman is police
    ("On 3 May 2021, 1 security officer [assumed police] was shot and killed by militants near "
     "Garissa."),
    ("On 3 May 2021, unknown gunmen shot and killed a policewoman in Garissa."),
    # militants clashing with police: a battle, though "clashed with police" is a riot cue
    ("On 3 May 2021, militants clashed with police in Garissa."),
    # "IS" (the Islamic State) is not the verb "is"
    ("On 3 May 2021, an IS attack on a police checkpoint near Garissa left two dead."),
])
def test_armed_targets_named_as_gangs_inside_cues_or_after_acronyms(text: str) -> None:
    assert _first(text)["type"] == "armed_clash"


@pytest.mark.parametrize(("text", "kind"), [
    # what protesters did after their grievance escalates the protest
    ("On 3 May 2021, residents demonstrating against a curfew in Garissa vandalised a police "
     "station.", "unrest"),
    ("On 3 May 2021, traders protesting against new taxes in Garissa, burned tyres.", "unrest"),
    # the bodies found are not a crowd's doing
    ("On 3 May 2021, three people were found dead in Garissa.", "attack_on_civilians"),
])
def test_what_protesters_did_and_what_is_no_protest(text: str, kind: str) -> None:
    assert _first(text)["type"] == kind


def test_a_number_inside_a_name_does_not_make_a_passive() -> None:
    row = _first("On 3 May 2021, soldiers from battalion 538 torched and destroyed 8 houses in "
                 "Garissa.")
    # not a clash (no armed target); houses burnt and no one harmed: property destruction
    assert row["type"] == "unrest"


@pytest.mark.parametrize(("text", "kind"), [
    # the target is who was hit, not where: a driver near a base is a civilian
    ("On 3 May 2021, a soldier shot and killed a driver outside the army base in Garissa.",
     "attack_on_civilians"),
    ("On 3 May 2021, a policeman shot dead an unarmed officer in Garissa.", "attack_on_civilians"),
    # a headline-style passive after a date: the dead, not the doers
    ("3 May 2021. 7 people killed in an attack on a village in Garissa.", "attack_on_civilians"),
    # a community throwing stones at police is a riot, not a battle
    ("On 3 May 2021, the village community threw stones at police officers in Garissa.",
     "unrest"),
])
def test_targets_are_who_was_hit_and_communities_riot(text: str, kind: str) -> None:
    assert _first(text)["type"] == kind


# ---- the day a sentence opens with ----------------------------------------------------------
@pytest.mark.parametrize(("text", "day"), [
    # the opening day, not the vaguer month nearer the cue
    ("On 5 May 2021, nurses dismissed in March staged a protest in Garissa.", "2021-05-05"),
    ("On 5 May 2021, traders who had paid the levy since April protested in Garissa.",
     "2021-05-05"),
    # a day nearer the cue still dates it
    ("On 5 May 2021, it was reported that police arrested 4 traders in Garissa on 2 May.",
     "2021-05-02"),
])
def test_a_sentence_dated_by_its_opening_day(text: str, day: str) -> None:
    assert _first(text)["date"] == day


#: Texts whose type follows who did what to whom (party rules of geo/extract/_roles.py).
PARTY_CASES = [
    # "fighters" is a noun of people, not a fight
    ("On 3 May 2021, veterans of the freedom fighters' association staged a rally in Garissa.",
     "protest"),
    # a planned attack on a chosen victim stays an attack, whoever did it
    ("On 3 May 2021, supporters of a councillor attacked and killed a rival in Garissa in a "
     "targeted attack.", "attack_on_civilians"),
    # what a protest is about: a recent clash, sexual violence
    ("On 3 May 2021, traders staged a protest in Garissa after a recent clash between two "
     "groups of hawkers.", "protest"),
    ("On 3 May 2021, women formed a human chain in Garissa protesting sexual violence.",
     "protest"),
    # a protest broken up with batons, a car set afire by protesters
    ("On 3 May 2021, nurses held a rally in Garissa. Police baton-charged the nurses.",
     "unrest"),
    ("On 3 May 2021, students demonstrated in Garissa and set afire a bus.", "unrest"),
    # a raid by robbers is an attack, by the police a crackdown
    ("On 3 May 2021, armed robbers raided a shop in Garissa.", "attack_on_civilians"),
    ("On 3 May 2021, police raided a brothel in Garissa.", "crackdown"),
    # roads blocked by residents are a protest, not a checkpoint
    ("On 3 May 2021, residents of Garissa mounted road blocks over a land dispute.",
     "protest"),
    # the object of "shot and wounded": an armed party makes it a clash
    ("On 3 May 2021, bandits shot and wounded three police officers near Garissa.",
     "armed_clash"),
    # the parties of "a clash of …" and "a clash broke out between …" are read after the cue
    ("On 3 May 2021, a man was killed in a factional clash of local Green Party units in "
     "Garissa.", "unrest"),
    ("On 3 May 2021, a clash broke out between two sides of the Green Party members at a "
     "meeting hall in Garissa.", "unrest"),
    # police foiling a protest is no battle
    ("On 3 May 2021, police foiled a demonstration of teachers in Garissa.", "unrest"),
    # the target after "shot at", "opened fire on" is the armed party
    ("On 3 May 2021, armed men shot at a police station in Garissa.", "armed_clash"),
    ("On 3 May 2021, gunmen opened fire on an army patrol near Garissa.", "armed_clash"),
    # a raid by warplanes is an air strike
    ("On 3 May 2021, warplanes carried out raids on depots near Garissa.",
     "explosion_remote_violence"),
    # an arson attack on a building that harms no one is property destruction
    ("On 3 May 2021, a group carried out an arson attack targeting a warehouse in Garissa. The "
     "attack caused material damage.", "unrest"),
    # a scuffle or a brawl is a riot, never a battle
    ("On 3 May 2021, a scuffle broke out between two councillors in Garissa and they fought.",
     "unrest"),
    # the subject after the date and the place of the crowd
    ("On 3 May 2021, residents of Bura, Tana River county, reportedly beat up two policemen "
     "who were drunk.", "unrest"),
    # refugees and traders who clash are crowds
    ("On 3 May 2021, refugees from two camps clashed in Garissa after a football match.",
     "unrest"),
    # an ambush on unarmed people is an attack, not a battle
    ("On 3 May 2021, a gang of five men ambushed three villagers near Garissa.",
     "attack_on_civilians"),
    # "armed men" are an armed party
    ("On 3 May 2021, police killed two armed men near Garissa.", "armed_clash"),
    # "N men ambushed and shot a trader" is active: the trader is the target
    ("On 3 May 2021, 10 unknown men ambushed and shot a trader near Garissa.",
     "attack_on_civilians"),
]


@pytest.mark.parametrize(("text", "kind"), PARTY_CASES)
def test_the_type_follows_the_parties(text: str, kind: str) -> None:
    assert _first(text)["type"] == kind
