"""'Cite this page': the citation tags reference managers read, and the cite box and its
downloads (BibTeX, RIS, CSL-JSON) read back by real parsers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import PUBLISHED, Site
from htmlq import find, head_meta, section_after

SITE_URL = PUBLISHED["KB_SITE_URL"]


def test_profile_carries_the_citation_tags_reference_managers_read(published_site: Site) -> None:
    meta = head_meta(published_site.page("groups/isis-k"))
    assert meta["citation_title"] == "ISIS-K"
    assert meta["citation_publisher"] == "Khorasan Brief"
    assert meta["citation_public_url"] == SITE_URL + "groups/isis-k/"
    assert meta["DC.rights"] == "CC BY 4.0"


def test_cite_box_and_its_downloads_agree_and_read_back(published_site: Site) -> None:
    import rispy
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from pybtex.database import parse_string

    html = published_site.page("groups/isis-k")
    box = section_after(html, "cite-this-page")
    text = " ".join(find(box, "p", class_="kb-cite-text")[0].text.split())
    assert text.startswith("Khorasan Brief, “ISIS-K”") and SITE_URL + "groups/isis-k/" in text and "CC BY 4.0" in text
    links = {a.text.strip(): a.attrs for a in find(box, "a") if "download" in a.attrs}
    assert set(links) == {"BibTeX", "RIS", "CSL-JSON"}
    files = {name: (published_site.root / "groups/isis-k" / attrs["href"]).resolve() for name, attrs in links.items()}

    entry = parse_string(files["BibTeX"].read_text(encoding="utf-8"), "bibtex").entries["isis-k"]
    assert entry.type == "misc" and entry.fields["title"] == "{ISIS-K}" and entry.fields["url"] == SITE_URL + "groups/isis-k/"
    (ris,) = rispy.loads(files["RIS"].read_text(encoding="utf-8"))
    assert ris["type_of_reference"] == "ELEC" and ris["title"] == "ISIS-K" and ris["urls"] == [SITE_URL + "groups/isis-k/"]
    csl = json.loads(files["CSL-JSON"].read_text(encoding="utf-8"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(csl), formatter.plain)
    bibliography.register(Citation([CitationItem("isis-k")]))
    rendered = str(bibliography.bibliography()[0])
    assert "ISIS-K" in rendered and SITE_URL + "groups/isis-k/" in rendered
    if "Last updated" in html:
        assert str(entry.fields["year"]) in rendered


def test_bibtex_escapes_what_latex_would_read(tmp_path: Path) -> None:
    from pybtex.database import parse_string

    from generator.render.publish import Citable

    text = Citable("x", "Fish & chips: 100% {odd} $5 Café", "https://example.org/a_b", dt.date(2024, 5, 1)).bibtex()
    title = parse_string(text, "bibtex").entries["x"].fields["title"]
    assert title == "{Fish \\& chips: 100\\% \\textbraceleft{}odd\\textbraceright{} \\$5 Café}"


# Everything a name, title or address can hold that a citation format cannot: line breaks (validation
# refuses them in names; the writers do not rely on it), other controls, LaTeX commands and braces.
HOSTILE_TITLE = "A\nER  - \nTY  - JOUR\r\nTI  - forged\u2028\x01 \\input{/etc/passwd} ^2 {b"


def test_ris_writes_one_record_whatever_the_title_holds() -> None:
    import rispy

    from generator.render.publish import Citable

    text = Citable("x", HOSTILE_TITLE, "https://example.org/a b\n{c}", dt.date(2024, 5, 1)).ris()
    (record,) = rispy.loads(text)
    assert record["title"] == "A ER - TY - JOUR TI - forged \\input{/etc/passwd} ^2 {b"
    assert record["urls"] == ["https://example.org/a%20b%0A%7Bc%7D"]
    assert text.count("TY  -") == 1 and text.count("ER  -") == 1


def test_bibtex_leaves_no_command_or_brace_of_the_title_to_latex() -> None:
    from pybtex.database import parse_string

    from generator.render.publish import Citable

    text = Citable("x", HOSTILE_TITLE, "https://example.org/a b{c}%", None).bibtex()
    entry = parse_string(text, "bibtex").entries["x"]
    title = entry.fields["title"]
    assert "\\input" not in title and "\n" not in title and "\x01" not in title
    assert title == (
        "{A ER - TY - JOUR TI - forged \\textbackslash{}input\\textbraceleft{}/etc/passwd\\textbraceright{} \\textasciicircum{}2 \\textbraceleft{}b}"
    )
    assert entry.fields["url"] == "https://example.org/a%20b%7Bc%7D%25", "percent-encoded once (a lone % too), then written verbatim, as biblatex reads it"
