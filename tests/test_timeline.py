"""The timeline as built: events in date order with partial dates as written, the entities each
can be filtered by, and a profile's own events.
"""

from __future__ import annotations

from conftest import Site
from htmlq import below, find, section_after


def test_timeline_orders_partial_dates_and_shows_them_as_written(reader_site: Site) -> None:
    items = find(reader_site.page("timeline"), "li", class_="kb-timeline-item")
    times = [next(el for el in below(item) if el.tag == "time") for item in items]
    assert [t.attrs["datetime"] for t in times] == ["2014-12-31", "2015", "2015-06", "2015-06-12", "2024-03-22"]
    assert [t.text for t in times] == ["31 December 2014", "2015", "June 2015", "12 June 2015", "22 March 2024"]


def test_timeline_items_carry_the_entities_they_can_be_filtered_by(reader_site: Site) -> None:
    html = reader_site.page("timeline")
    items = find(html, "li", class_="kb-timeline-item")
    entities = [set(item.attrs["data-entities"].split()) for item in items]
    assert entities == [
        {"new-year-raid", "blue-league"},
        {"founding-rally", "blue-league"},
        {"summer-march", "jo-leader"},
        {"june-clash", "red-front"},
        {"hall-attack", "red-front"},
    ]
    # Any profile can be chosen, not only those linked to an event.
    options = [o.attrs["data-id"] for o in find(html, "option") if "data-id" in o.attrs]
    assert options == ["blue-league", "founding-rally", "hall-attack", "jo-leader", "june-clash", "new-year-raid", "red-front", "summer-march"]
    assert find(html, "form", class_="kb-timeline-filter")[0].attrs.get("hidden") is not None


def test_profile_lists_its_own_events_in_date_order_and_links_its_timeline(reader_site: Site) -> None:
    html = reader_site.page("groups/blue-league")
    events = section_after(html, "events")
    dates = [tr.children[0].text for tr in find(events, "tr")[1:]]
    assert dates == ["31 December 2014", "2015"]
    assert find(events, "a", href="../../timeline/?entity=blue-league")
