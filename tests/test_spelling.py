"""Issue 27, section 4: a name in any spelling. The rules (generator/model/spelling.py) on a table of
romanisation variants, one row per kind of variant the issue names, and what they must not join.
The browser's copy of the rules is held equal in tests/test_search_worker.py; search with them, on
the real site, in tests/test_browser_search.py and tests/test_search_site.py.
"""

from __future__ import annotations

import pytest

from generator.export.search_index import words
from generator.model.spelling import spelling_key, spelling_keys


def key(name: str) -> str:
    return spelling_key(words(name))


# (as typed, as the sources write it): one key.
SAME = [
    ("Khurasan", "Khorasan"),  # o/u
    ("Hebatullah", "Hibatullah"),  # e/i
    ("Sheer", "Shir"),  # ee/i
    ("Yaqub", "Yaqoob"),  # oo/u, q/k
    ("Mansoor", "Mansour"),  # ou/oo
    ("Qasem", "Qassem"),  # doubled letters
    ("Kasim", "Qasim"),  # q/k
    ("Ghazni", "Gazni"),  # gh/g
    ("Krokus", "Crocus"),  # c/k
    ("Wilayat-e-Khorasan", "Wilayat Khorasan"),  # -e-
    ("Tehrik-i-Taliban", "Tehrik Taliban"),  # -i-
    ("Abu Bakr al-Baghdadi", "Abu Bakr Baghdadi"),  # al-
    ("Abd el-Rahman", "Abd Rahman"),  # el-
    ("Hibat ul Lah", "Hibat Lah"),  # ul
    ("Mullah Omar", "Mulla Omar"),  # a dropped final h
    ("Akhund-zada", "Akhundzada"),  # spaces and hyphens
    ("Akhund Zada", "Akhundzada"),
    ("Wilāyat", "Wilayat"),  # accents, as search already folds them
]


@pytest.mark.parametrize(("typed", "written"), SAME)
def test_romanisation_variants_come_to_one_key(typed: str, written: str) -> None:
    assert key(typed) == key(written) != ""


DIFFERENT = [
    ("Taliban", "Tablighi"),
    ("Haqqani", "Hakimullah"),
    ("Chechen", "Kekken"),  # "ch" is not c/k
    ("Islamic State", "Islamic Army"),
    ("Rahman", "Raman"),  # only a final h is dropped
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_names_stay_apart(one: str, other: str) -> None:
    assert key(one) != key(other)


def test_a_name_has_a_key_for_each_tail_from_its_second_word() -> None:
    # "Mansoor" finds "Akhtar Mansour"; connectors are no word of their own.
    assert spelling_keys(words("Akhtar Mansour")) == [key("Akhtar Mansour"), key("Mansoor")]
    assert spelling_keys(words("Wilayat-e-Khorasan")) == [key("Wilayat Khurasan"), key("Khurasan")]
    assert spelling_keys(words("al")) == []
