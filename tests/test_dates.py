"""Dates as EDTF (generator/model/dates.py): every plain date the model's own reader accepts is one
the standard's reader (the ``edtf`` package, 10 ms a date through pyparsing) accepts too, so that
parse() leaves that reader to the rarer forms (spans, approximate dates) and accepts nothing more
than before. The model is the stricter: it refuses days no calendar has (29 February 2023), which
the package's grammar lets through."""

from __future__ import annotations

import edtf
from hypothesis import given
from hypothesis import strategies as st

from generator.model import dates


def edtf_accepts(text: str) -> bool:
    try:
        edtf.parse_edtf(text)
    except Exception:  # noqa: BLE001 - the package raises its own and pyparsing's errors
        return False
    return True


def model_accepts(text: str) -> bool:
    try:
        dates.parse(text)
    except ValueError:
        return False
    return True


plain = st.builds(
    lambda y, m, d, parts: "-".join([f"{y:04d}", f"{m:02d}", f"{d:02d}"][:parts]),
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(1, 3),
)


@given(plain)
def test_a_plain_date_is_accepted_as_the_standard_accepts_it(text: str) -> None:
    if text.startswith("0000"):  # EDTF has a year 0000 (1 BC); the sources never need it, so it is refused
        assert not model_accepts(text)
        return
    assert not model_accepts(text) or edtf_accepts(text), text


def test_the_calendars_edges() -> None:
    for text in ("2024-02-29", "2000-02-29", "2024-12-31", "0001", "9999-12-31"):
        assert model_accepts(text) and edtf_accepts(text), text
    for text in ("2024-04-31", "2024-13", "2024-00", "2024-01-00", "24-01"):
        assert not model_accepts(text) and not edtf_accepts(text), text
    for text in ("2023-02-29", "1900-02-29"):  # no such day: the model refuses what the grammar allows
        assert not model_accepts(text) and edtf_accepts(text), text
