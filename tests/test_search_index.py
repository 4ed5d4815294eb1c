"""The split search index (generator/export/search_index.py), read from the files it writes.

What a page becomes (its sections, its words and their weights, its names), where each entry lives
(one shard, found the way the worker looks for it), what an update rewrites, and that no HTML makes
the reading of a page raise. The worker that reads these files is tested in tests/test_search_worker.py,
the search on built sites in tests/test_search_build.py and the browser tests.
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.export import search_index as si
from generator.export.search_index import (
    FOLDER,
    PageRecord,
    SearchIndex,
    build_files,
    name_key,
    sections_of,
    words,
)

PROFILE = """<h1 id="red-front">Red Front<a class="headerlink" href="#red-front" title="Permanent link">&para;</a></h1>
<nav aria-label="On this page" class="kb-jump"><ul><li><a href="#origins">Origins</a></li></ul></nav>
<p>The Red Front is a fictional group &amp; a test.<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>
<h2 id="origins">Origins<a class="headerlink" href="#origins" title="Permanent link">&para;</a></h2>
<ul><li>Founded in <em>2001</em> near Ranpil.<sup id="fnref:2"><a class="footnote-ref" href="#fn:2">2</a></sup></li></ul>
<svg viewBox="0 0 10 10"><text>2,000 4,000</text></svg>
<h3 id="figure-strength">Strength</h3><table><tr><td>Value</td><td>about 300</td></tr></table>
<script>var hidden = "not text";</script>
<div class="footnote"><hr /><ol><li id="fn:1"><p>Alpha report, para 2.</p></li></ol></div>"""


def page(url: str, title: str, content: str = "", names: tuple[str, ...] = (), boost: float = 1.0) -> PageRecord:
    return PageRecord(url, title, content, names, boost)


def files_of(*records: PageRecord) -> dict[str, object]:
    return {path: json.loads(data) for path, data in build_files(records).items()}


def shard_holding(files: dict[str, object], entry: str) -> str:
    """The shard the worker reads for an entry: the one with the longest key the entry starts with."""
    meta = files[f"{FOLDER}/meta.json"]
    keys = [key for key in meta["shards"] if entry.startswith(key)]  # type: ignore[index]
    assert keys, f"no shard for {entry!r}"
    return max(keys, key=len)


def shard(files: dict[str, object], key: str) -> dict[str, dict[str, list[int]]]:
    return files[f"{FOLDER}/s/{si.shard_file(key)}.json"]  # type: ignore[return-value]


def postings(files: dict[str, object], word: str) -> dict[int, int]:
    """Page number -> weight, decoded as the worker decodes them."""
    flat = shard(files, shard_holding(files, word))["t"].get(word, [])
    found, number = {}, 0
    for index in range(0, len(flat), 2):
        number += flat[index]
        found[number] = flat[index + 1]
    return found


# -- words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IS-K", ["is", "k"]),
        ("Wilāyat Khorāsān", ["wilayat", "khorasan"]),
        ("“Shahab al-Muhajir”", ["shahab", "al", "muhajir"]),
        ("ﬁve ＩＳＫＰ ½", ["five", "iskp", "1", "2"]),  # compatibility forms: NFKD
        ("İstanbul ΟΔΥΣΣΕΥΣ", ["istanbul", "οδυσσευς"]),
        ("snake_case 2024-03", ["snake", "case", "2024", "03"]),
        ("طَالِبَان", ["طالبان"]),  # marks out, letters kept
    ],
)
def test_words_are_folded_runs_of_letters_and_digits(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_a_name_key_is_its_words() -> None:
    assert name_key("IS-K") == name_key("is k") == name_key(" Is  K ") == "is k"
    assert name_key("ISKP") != name_key("IS-K")
    assert name_key("—") == ""


# -- a page's sections ---------------------------------------------------------------------------------


def test_a_page_is_split_at_its_headings_with_the_title_heading_its_own_part() -> None:
    sections = sections_of(PROFILE, "Red Front")
    assert [(s.anchor, s.title) for s in sections] == [("", "Red Front"), ("origins", "Origins"), ("figure-strength", "Strength")]
    own, origins, strength = sections
    assert own.text == "The Red Front is a fictional group & a test."
    assert origins.text == "Founded in 2001 near Ranpil."
    assert strength.text == "Value about 300"


def test_what_is_not_the_pages_text_is_left_out() -> None:
    text = " ".join(s.title + " " + s.text for s in sections_of(PROFILE, "Red Front"))
    for absent in ["¶", "hidden", "Alpha report", "4,000", "On this page"]:
        assert absent not in text
    excluded = '<p>kept</p><div class="x" data-search-exclude><div><p>inner</p></div><p>gone</p></div><p>after</p>'
    assert sections_of(excluded, "T")[0].text == "kept after"


def test_text_before_the_first_heading_belongs_to_the_page() -> None:
    sections = sections_of('<p>Intro.</p><h2 id="a">A</h2><p>In A.</p><h2>No id</h2><p>Still A.</p>', "Page")
    assert [(s.anchor, s.title, s.text) for s in sections] == [("", "Page", "Intro."), ("a", "A", "In A. No id Still A.")]


class _Text(HTMLParser):
    """The oracle: every piece of text html.parser finds, element contents and all."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        '<h2 id="a">',
        "</h2>",
        "<h1 id='t'>",
        "</h1>",
        "<h3>",
        "</h3>",
        '<div class="footnote">',
        "</div>",
        "<nav>",
        "</nav>",
        "<svg>",
        "</svg>",
        "<script>",
        "</script>",
        '<sup id="fnref:1">',
        '<a class="footnote-ref" href="#fn:1">1</a></sup>',
        '<a class="headerlink" href="#a">&para;</a>',
        "<div data-search-exclude>",
        "<br />",
        "<em>",
        "</em>",
        "<",
        ">",
        "&amp;",
        "&lt;b&gt;",
        "&#x27;",
        "&bogus;",
        " ",
        "\n",
        "ISKP",
        "Wilāyat",
        "IS-K",
        "x",
        "<!-- c -->",
        '<h2 id="unclosed">',
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
@example('<h2 id="a"><h2 id="b">x</h2></h2><div class="footnote"><div>')
@example("<p><h1>ISKP</h1></p>")  # the nesting that broke the one-pass splitter of Material's index (issue 13)
def test_reading_any_html_never_raises_and_invents_no_word(content: str) -> None:
    sections = sections_of(content, "Title")
    assert sections and sections[0].anchor == "" and sections[0].title == "Title"
    oracle = _Text()
    oracle.feed(content)
    oracle.close()
    # Text on either side of an inline tag reads as one word ("IS<em>K</em>"), as the browser shows it:
    # every word must be found in the page's text run together.
    together = si.fold("".join(oracle.parts)) + " " + si.fold(html.unescape(content))
    for word in words(" ".join(s.title + " " + s.text for s in sections[1:])) + words(" ".join(s.text for s in sections)):
        assert word in together, word


# -- weights and names ---------------------------------------------------------------------------------


def test_a_word_weighs_by_where_it_stands_and_the_pages_boost() -> None:
    records = [
        page("groups/red-front/", "Red Front", PROFILE, names=("Red Front", "Ranpil"), boost=2),
        page("about/", "About", '<h2 id="ranpil">Ranpil</h2><p>Ranpil Ranpil Ranpil.</p>'),
        page("notes/", "Notes", "<p>Ranpil once. Origins of it.</p>"),
        page("origins/", "Origins of things", "<p>Text.</p>"),
    ]
    files = files_of(*records)
    ranpil = postings(files, "ranpil")
    assert ranpil[0] > ranpil[1] > ranpil[2] > 0  # alias (boosted) > heading (and text) > text once
    origins = postings(files, "origins")
    assert origins[3] > origins[0] > origins[2]  # a page's title > a heading > text
    assert postings(files, "the") == {}  # a stop word is no entry
    boosted = files_of(page("a/", "A", "<p>word</p>", boost=2), page("b/", "B", "<p>word</p>"))
    weights = postings(boosted, "word")
    assert abs(weights[0] - 2 * weights[1]) <= 1


def test_every_name_and_title_is_an_entry_of_its_own() -> None:
    files = files_of(
        page("groups/isis-k/", "ISIS-K", "<p>x</p>", names=("ISIS-K", "ISKP", "IS-K", "Wilayat Khorasan")),
        page("briefs/iskp/", "ISKP", "<p>A brief titled like an alias.</p>"),
    )
    for name, expected in [("isis k", [0, 2]), ("iskp", [0, 2, 1, 1]), ("is k", [0, 2]), ("wilayat khorasan", [0, 2])]:
        assert shard(files, shard_holding(files, name))["n"][name] == expected
    blocks = files[f"{FOLDER}/p/0.json"]
    assert blocks == [["groups/isis-k/", "ISIS-K"], ["briefs/iskp/", "ISKP"]]
    fragment = files[f"{FOLDER}/f/0.json"]
    assert fragment == {"s": [["", "ISIS-K", "x"]], "n": ["ISIS-K", "ISKP", "IS-K", "Wilayat Khorasan"]}


# -- shards ----------------------------------------------------------------------------------------------


def test_every_entry_is_in_the_one_shard_the_worker_reads_and_shards_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(si, "SHARD_BYTES", 300)  # small shards: many splits, on few pages
    vocabulary = [f"ka{chr(97 + i % 26)}{chr(97 + i // 26)}word" for i in range(120)] + ["ka", "k", "kabul"]
    records = [page(f"p{n}/", f"Page {n}", "<p>" + " ".join(vocabulary[n::7]) + "</p>", names=(f"Ka name {n}",)) for n in range(40)]
    files = files_of(*records)
    meta = files[f"{FOLDER}/meta.json"]
    assert len(meta["shards"]) > 10  # type: ignore[index]
    seen: dict[str, str] = {}
    for key in meta["shards"]:  # type: ignore[index]
        data = shard(files, key)
        for kind in ("t", "n"):
            for entry in data[kind]:
                assert entry.startswith(key)
                assert entry not in seen, f"{entry!r} in {seen.get(entry)!r} and {key!r}"
                seen[entry] = key
                assert shard_holding(files, entry) == key
        size = len(json.dumps(data))
        assert size <= 4 * 300 or len(key) == si.MAX_KEY or len(data["t"]) + len(data["n"]) == 1, (key, size)
    assert set(vocabulary) <= seen.keys()
    assert {f"ka name {n}" for n in range(40)} <= seen.keys()


def test_a_shard_file_name_is_safe() -> None:
    assert si.shard_file("kab") == "kab"
    assert si.shard_file("is ") == "_" + b"is ".hex()
    assert si.shard_file("طا") == "_" + "طا".encode().hex()


# -- updates -------------------------------------------------------------------------------------------


def test_an_update_rewrites_only_what_changed_and_keeps_page_numbers() -> None:
    records = [page(f"p{n}/", f"Page {n}", f"<p>common word{n} alpha{n % 3}</p>") for n in range(30)]
    index = SearchIndex()
    first = index.update(records)
    assert first == set(index.files)
    assert index.update(records) == set()  # the same pages: nothing to write
    edited = list(records)
    edited[4] = page("p4/", "Page 4", "<p>common word4 alpha1 zebra</p>")  # one word more
    changed = index.update(edited)
    assert f"{FOLDER}/f/4.json" in changed and f"{FOLDER}/meta.json" in changed
    assert {path for path in changed if "/f/" in path} == {f"{FOLDER}/f/4.json"}
    assert f"{FOLDER}/p/0.json" not in changed  # no title changed
    shards_changed = {path for path in changed if "/s/" in path}
    assert shards_changed and all(path.rsplit("/", 1)[1][:2] in {"ze", "al"} for path in shards_changed)
    # Pages removed and added: the files are those of a fresh index of the same pages, and no page
    # that did not change is read again.
    pages = [*edited[:10], *edited[11:], page("new/", "New page", "<p>fresh</p>")]
    kept = {url: part for url, (_, part) in index.parts.items()}
    changed = index.update(pages)
    assert dict(index.files) == build_files(pages)
    assert f"{FOLDER}/f/29.json" in changed and f"{FOLDER}/f/30.json" not in index.files
    assert all(index.parts[record.url][1] is kept[record.url] for record in pages[:-1])


def test_the_files_depend_on_the_pages_only() -> None:
    records = [page(f"p{n}/", f"Page {n}", f"<p>word{n} shared</p>", names=(f"N{n}",)) for n in range(50)]
    assert build_files(records) == build_files(list(records))
    fresh = SearchIndex()
    fresh.update(records)
    grown = SearchIndex()
    grown.update(records[:10])
    grown.update(records)
    assert dict(fresh.files) == dict(grown.files)
    meta = json.loads(fresh.files[f"{FOLDER}/meta.json"])
    assert meta["version"] != json.loads(build_files(records[:10])[f"{FOLDER}/meta.json"])["version"]


def test_a_fragment_keeps_every_section_but_cuts_long_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(si, "SECTION_TEXT", 40)
    monkeypatch.setattr(si, "PAGE_TEXT", 100)
    sections = "".join(f'<h2 id="s{n}">Section {n}</h2><p>{" ".join(["word"] * 30)} end{n}</p>' for n in range(5))
    files = files_of(page("p/", "P", sections))
    shown = files[f"{FOLDER}/f/0.json"]["s"]  # type: ignore[index]
    assert [anchor for anchor, _, _ in shown] == ["", "s0", "s1", "s2", "s3", "s4"]
    texts = [text for _, _, text in shown[1:]]
    assert texts[0] == " ".join(["word"] * 8) + " …" and sum(map(len, texts)) <= 100 + 3 * len(texts)
    assert texts[-1] == ""  # past the page's share
    assert postings(files, "end4") == {0: postings(files, "end0")[0]}  # the index still has every word
