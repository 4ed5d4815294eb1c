"""Countries as the data names them: ISO 3166-1 (the ``pycountry`` package), each under one short name
a reader knows ("Russia", "Iran", "Turkey"), so that a facet or a filter has one value per country and
a map (ISO codes) and schema.org (addressCountry) can name it unambiguously."""

from __future__ import annotations

import difflib
import functools

import pycountry

# Where ISO's name is not the one readers use (or has changed since the sources were written).
SHORT_NAMES = {
    "RU": "Russia",
    "IR": "Iran",
    "SY": "Syria",
    "TR": "Turkey",
    "US": "United States",
    "GB": "United Kingdom",
    "KR": "South Korea",
    "KP": "North Korea",
    "VN": "Vietnam",
    "LA": "Laos",
    "MD": "Moldova",
    "TZ": "Tanzania",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "PS": "Palestine",
    "CZ": "Czechia",
}


@functools.cache
def names() -> dict[str, str]:
    """Short name -> ISO 3166-1 alpha-2 code, for every country."""
    found = {}
    for country in pycountry.countries:
        code = country.alpha_2
        found[SHORT_NAMES.get(code) or getattr(country, "common_name", None) or country.name] = code
    return found


def code(name: str) -> str | None:
    """The ISO code of a country named by its short name; None for any other text."""
    return names().get(name)


@functools.cache
def _other_names() -> dict[str, str]:
    """Every other name ISO gives a country (its name, official name, codes), folded -> short name."""
    short = {code: name for name, code in names().items()}
    found = {}
    for country in pycountry.countries:
        for other in (country.name, getattr(country, "official_name", None), getattr(country, "common_name", None), country.alpha_2, country.alpha_3):
            if other:
                found[other.casefold()] = short[country.alpha_2]
    return found


def suggestion(text: str) -> str | None:
    """The short name of the country ``text`` most likely means ("Russian Federation" -> "Russia")."""
    others = _other_names()
    if text.casefold() in others:
        return others[text.casefold()]
    close = difflib.get_close_matches(text.casefold(), list(others), n=1, cutoff=0.8)
    return others[close[0]] if close else None
