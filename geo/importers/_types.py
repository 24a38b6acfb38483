"""Default type maps: each dataset's categories to routerisk incident types.

Keys are compared folded (lower case, accents removed). A mapping file's ``[types]`` table adds
to or overrides the default of its format; a category found in no map is reported with its row
count and the rows are not written (never guessed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["ACLED_TYPES", "MMP_TYPES", "UCDP_TYPES", "check_types", "merged"]

# ACLED: by sub_event_type (2019+ codebook) and by the older event_type values (pre-2019
# exports have no sub-event type); the sub-event type wins when both are present.
ACLED_TYPES: dict[str, str] = {
    # Battles
    "armed clash": "armed_clash",
    "government regains territory": "armed_clash",
    "non-state actor overtakes territory": "armed_clash",
    # Explosions/Remote violence
    "chemical weapon": "explosion_remote_violence",
    "air/drone strike": "explosion_remote_violence",
    "suicide bomb": "explosion_remote_violence",
    "shelling/artillery/missile attack": "explosion_remote_violence",
    "remote explosive/landmine/ied": "explosion_remote_violence",
    "grenade": "explosion_remote_violence",
    # Violence against civilians
    "sexual violence": "attack_on_civilians",
    "attack": "attack_on_civilians",
    "abduction/forced disappearance": "abduction",
    # Protests and riots
    "peaceful protest": "protest",
    "protest with intervention": "unrest",
    "excessive force against protesters": "unrest",
    "violent demonstration": "unrest",
    "mob violence": "unrest",
    # Strategic developments
    "arrests": "arrest",
    "agreement": "strategic_development",
    "change to group/activity": "strategic_development",
    "disrupted weapons use": "strategic_development",
    "headquarters or base established": "strategic_development",
    "looting/property destruction": "unrest",
    "non-violent transfer of territory": "strategic_development",
    "other": "strategic_development",
    # event_type values of the pre-2019 exports (no sub-event type)
    "battle-no change of territory": "armed_clash",
    "battle-government regains territory": "armed_clash",
    "battle-non-state actor overtakes territory": "armed_clash",
    "battle-non-state actors overtake territory": "armed_clash",  # 2016 Asia export's spelling
    "violence against civilians": "attack_on_civilians",
    "remote violence": "explosion_remote_violence",
    "riots/protests": "unrest",
    "strategic development": "strategic_development",
}

# UCDP GED type_of_violence: 1 state-based, 2 non-state, 3 one-sided violence.
UCDP_TYPES: dict[str, str] = {
    "1": "armed_clash",
    "2": "armed_clash",
    "3": "attack_on_civilians",
}

# IOM Missing Migrants: every record is a death or disappearance during migration; the
# category is "dead" when anyone is recorded dead, else "missing".
MMP_TYPES: dict[str, str] = {
    "dead": "death_in_transit",
    "missing": "disappearance",
}


def merged(default: Mapping[str, str], override: Mapping[str, str] | None) -> dict[str, str]:
    """The default map with a mapping file's ``[types]`` on top (keys folded)."""
    from geo.importers._countries import fold

    out = {fold(k): v for k, v in default.items()}
    out.update({fold(k): str(v) for k, v in (override or {}).items()})
    return out


def check_types(type_map: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """Types a map points to that the risk model does not define.

    >>> check_types({"x": "armed_clash", "y": "nope"}, ["armed_clash"])
    ['nope']
    """
    allowed = set(known)
    return sorted({t for t in type_map.values() if t not in allowed})
