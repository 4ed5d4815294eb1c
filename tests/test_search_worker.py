"""The search worker (site_src/assets/kb-search.js) in Chromium, on indexes that generator/export/search_index.py
writes for pages made here, without MkDocs: how it makes words (as the index does), how it ranks, what
it fetches and what it hands Material.

The worker is spoken to as Material's page script speaks to it: SETUP, then QUERY, and each RESULT
is read back. These tests skip, saying why, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import serve
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.export import search_index as si
from generator.export.search_index import PageRecord, build_files
from generator.model import spelling

WORKER = ROOT / "site_src" / "assets" / "kb-search.js"
NAMES = ROOT / "site_src" / "assets" / "kb-names.js"  # how names compare: the worker imports it

# Speaks to the worker as Material does; collects what it fetches from the page's own server.
ASK = """async ([queries, suggest]) => {
  const worker = new Worker("assets/kb-search.js");
  const answers = [];
  const next = () => new Promise((resolve) => worker.addEventListener("message", (e) => resolve(e.data), {once: true}));
  worker.postMessage({type: 0, data: {config: {}, docs: [], options: {suggest}}});
  if ((await next()).type !== 1) throw new Error("no READY");
  for (const query of queries) {
    worker.postMessage({type: 2, data: query});
    answers.push((await next()).data);
  }
  worker.terminate();
  return answers;
}"""


def page(url: str, title: str, content: str = "", names: tuple[str, ...] = (), boost: float = 1.0) -> PageRecord:
    return PageRecord(url, title, content, names, boost)


class Site:
    """An index written into a folder with the worker beside it, served, and a page to start it from."""

    def __init__(self, browser: Any, folder: Path, base: str) -> None:
        self.browser = browser
        self.folder = folder
        self.base = base

    def write(self, records: list[PageRecord]) -> None:
        shutil.rmtree(self.folder / "search", ignore_errors=True)
        for path, data in build_files(records).items():
            (self.folder / path).parent.mkdir(parents=True, exist_ok=True)
            (self.folder / path).write_bytes(data)

    def ask(self, records: list[PageRecord], *queries: str, suggest: bool = False) -> tuple[list[dict[str, Any]], list[str]]:
        """The worker's answer to each query, and the paths it fetched."""
        self.write(records)
        context = self.browser.new_context()
        fetched: list[str] = []
        context.on("request", lambda request: fetched.append(request.url.removeprefix(self.base).split("?")[0]))
        tab = context.new_page()
        tab.goto(self.base)
        answers = tab.evaluate(ASK, [list(queries), suggest])
        context.close()
        return answers, [path for path in fetched if path.startswith("search/")]


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("worker")
    (folder / "assets").mkdir()
    shutil.copy(WORKER, folder / "assets" / WORKER.name)
    shutil.copy(NAMES, folder / "assets" / NAMES.name)
    (folder / spelling.SCRIPT_FILE).write_text(spelling.script(), encoding="utf-8")  # as the build writes it
    (folder / "index.html").write_text("<!doctype html><title>worker</title>", encoding="utf-8")
    with serve(folder) as base:
        yield Site(browser, folder, base)


def locations(answer: dict[str, Any]) -> list[str]:
    return [group[0]["location"] for group in answer["items"]]


# -- words: the worker's are the index's ---------------------------------------------------------------

SAMPLES = [
    "IS-K",
    "Is K",
    "ISKP",
    "Wilāyat Khorāsān",
    "“Shahab al-Muhajir”",
    "ﬁve ＩＳＫＰ ½ ²",
    "İstanbul ΟΔΥΣΣΕΥΣ",
    "snake_case 2024-03",
    "طَالِبَان",
    "Tehreek-e-Taliban Tajikistan",
    "ǅemal Ǆ",
    "Straße",
    "Ⅻ ⑫",
    "日本語テキスト",
    "e\u0301te\u0301",
    "a\u200bb",
    "😀 emoji",
    "Dari: دری",
    "hindi: हिन्दी",
    "  ",
    "",
    # spellings (model/spelling.py): the worker reads the rules the build writes from Python's
    "Wilayat-e-Khurasan",
    "Hibat-ul-Lah Akhund Zada",
    "Mullah Mansoor",
    "Qasem Suleimani",
    "Krokus City Hall",
    "al-Qaeda el-Ghazi",
]


def worker_source() -> str:
    """The worker's own functions, to evaluate in a page (its message handler is never called there),
    after the names script it imports; the pages' scripts use the same one."""
    names = spelling.script() + NAMES.read_text(encoding="utf-8")
    return names + "\nconst importScripts = () => {};\n" + WORKER.read_text(encoding="utf-8")


def worker_words(tab: Any, texts: list[str]) -> list[list[Any]]:
    source = worker_source()
    return tab.evaluate(
        "texts => {" + source + "\nreturn texts.map(t => [words(t), nameKey(t), shardFile(nameKey(t)), KhorasanNames.spellingKeys(t)]); }", texts
    )


def python_words(texts: list[str]) -> list[list[Any]]:
    return [[si.words(t), si.name_key(t), si.shard_file(si.name_key(t)), spelling.spelling_keys(si.words(t))] for t in texts]


@pytest.fixture(scope="module")
def blank(browser: Any, site: Site) -> Iterator[Any]:
    tab = browser.new_page()
    tab.goto(site.base)  # the worker's script finds the index from its own address
    yield tab
    tab.close()


def test_the_worker_makes_the_words_the_index_makes(blank: Any) -> None:
    assert worker_words(blank, SAMPLES) == python_words(SAMPLES)


# Characters that Python's Unicode data (Unicode 14 in Python 3.11) has not assigned yet are no letters
# to the index, where a newer browser may know them: such text is left out here.
_assigned = st.characters(exclude_categories=("Cn", "Cs"))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.text(_assigned, min_size=1, max_size=30), min_size=20, max_size=20))
def test_the_worker_makes_the_words_the_index_makes_for_any_text(blank: Any, texts: list[str]) -> None:
    assert worker_words(blank, texts) == python_words(texts)


def test_the_worker_drops_the_stop_words_the_index_drops(blank: Any) -> None:
    source = worker_source()
    assert sorted(blank.evaluate("() => {" + source + "\nreturn Array.from(STOP); }")) == sorted(si.STOP_WORDS)


# -- ranking ---------------------------------------------------------------------------------------------


def crowd(word: str, count: int = 40) -> list[PageRecord]:
    """Pages that use ``word`` everywhere a page can, but not as a name."""
    return [
        page(f"notes/{word.lower()}-{n}/", f"{word} report {n}", f'<h2 id="a">{word}</h2><p>{" ".join([word] * 12)} and more.</p>', boost=2)
        for n in range(count)
    ]


def test_a_name_puts_its_profile_first_whatever_the_weights(site: Site) -> None:
    profile = page("groups/red-front/", "Red Front", "<p>A group.</p>", names=("Red Front", "Ranpil", "IS-K", "Front Rouge"))
    brief = page("briefs/ranpil/", "Ranpil", "<p>A brief titled like the alias. Ranpil Ranpil.</p>", boost=3)
    records = [*crowd("Ranpil"), *crowd("Rouge", 5), brief, profile]
    answers, _ = site.ask(records, "Ranpil", "ranpil", "IS-K", "is k", "Front Rouge", "FRONT-ROUGE")
    for answer in answers:
        assert locations(answer)[0] == "groups/red-front/"
    assert "<span><mark>IS-K</mark></span>" in answers[2]["items"][0][0]["tags"]  # the name the query is, marked whole
    assert locations(answers[0])[1] == "briefs/ranpil/"  # a page's title, after a profile's name
    assert len(answers[0]["items"]) == 42


def test_a_name_begun_comes_first_while_it_is_typed(site: Site) -> None:
    profile = page("groups/isis-k/", "ISIS-K", "<p>A group.</p>", names=("ISIS-K", "Wilayat Khorasan"))
    records = [*crowd("Wilayat"), *crowd("Khorasan"), profile]
    answers, _ = site.ask(records, "Wilayat Kh", "wilayat khora")
    assert [locations(answer)[0] for answer in answers] == ["groups/isis-k/", "groups/isis-k/"]


def test_a_name_in_another_spelling_comes_after_the_name_as_written(site: Site) -> None:
    akhtar = page("people/akhtar-mansour/", "Akhtar Mansour", "<p>A person.</p>", names=("Akhtar Mansour",))
    mansoor = page("people/mansoor/", "Mansoor", "<p>Another person.</p>", names=("Mansoor",))
    # Pages that use the name all over their text, but not in a name or title.
    crowded = [page(f"notes/{n}/", f"Report {n}", f"<h2 id='a'>Mansoor</h2><p>{' '.join(['Mansoor Mansur'] * 12)}</p>", boost=2) for n in range(30)]
    records = [*crowded, akhtar, mansoor]
    answers, _ = site.ask(records, "Mansoor", "Mansur", "Akhtar Mansur", "akhtar mansoo")
    # The name as written, then a whole name in another spelling, then the tail of a name.
    assert locations(answers[0])[:2] == ["people/mansoor/", "people/akhtar-mansour/"]
    assert locations(answers[1])[:2] == ["people/mansoor/", "people/akhtar-mansour/"]
    assert locations(answers[2])[0] == "people/akhtar-mansour/"
    assert locations(answers[3])[0] == "people/akhtar-mansour/"
    # The words of the name that matched in another spelling are marked.
    assert "<mark>Akhtar Mansour</mark>" in answers[2]["items"][0][0]["tags"][0]


def test_every_word_must_be_found_else_the_most_of_them(site: Site) -> None:
    records = [
        page("a/", "A", "<p>alpha only</p>"),
        page("b/", "B", "<p>alpha and beta</p>"),
        page("c/", "C", "<p>beta only</p>"),
    ]
    both, missing = site.ask(records, "alpha beta", "alpha gamma")[0]
    assert locations(both) == ["b/"]
    assert locations(missing) == ["a/", "b/"]
    assert missing["items"][0][0]["terms"] == {"alpha": True, "gamma": False}


def test_a_word_of_three_letters_or_more_also_finds_the_words_it_begins(site: Site) -> None:
    records = [page("a/", "A", "<p>Tajikistan</p>"), page("b/", "B", "<p>Tajik</p>"), page("c/", "C", "<p>Ta and Taj</p>")]
    tajik, taj, ta = site.ask(records, "tajik", "taj", "ta")[0]
    assert sorted(locations(tajik)) == ["a/", "b/"] and locations(tajik)[0] == "b/"  # the whole word first
    assert sorted(locations(taj)) == ["a/", "b/", "c/"]
    assert locations(ta) == ["c/"]  # two letters: that word only


def test_stop_words_find_no_text_but_still_begin_a_name(site: Site) -> None:
    records = [page("a/", "A", "<p>the of and</p>"), page("b/", "The Hindu", "<p>A newspaper.</p>")]
    the, of, hindu = site.ask(records, "the", "of", "The Hindu")[0]
    assert locations(the) == ["b/"]  # as "The Hindu" is typed
    assert of["items"] == []
    assert locations(hindu) == ["b/"]


# -- what Material gets ------------------------------------------------------------------------------------


def test_each_page_is_a_group_led_by_its_own_entry_then_the_sections_that_match(site: Site) -> None:
    content = '<p>Intro of the page.</p><h2 id="one">One</h2><p>Nothing here.</p><h2 id="two">Two</h2><p>Ranpil was here. And more.</p><h2 id="three">Three</h2><p>Ranpil and Khost.</p>'
    records = [page("p/", "Page", content, names=("Page", "Other name"))]
    answer = site.ask(records, "ranpil khost")[0][0]
    group = answer["items"][0]
    assert [item["location"] for item in group] == ["p/", "p/#three", "p/#two"]
    own, three, two = group
    assert own["tags"] == ["<span>Page</span>", "<span>Other name</span>"] and own["text"] == "<p>Intro of the page.</p>"
    assert three["score"] == own["score"] > two["score"]  # all the words, then some: "1 more on this page"
    assert three["text"] == "<p><mark>Ranpil</mark> and <mark>Khost</mark>.</p>"
    assert three["terms"] == {"ranpil": True, "khost": True} and two["terms"] == {"ranpil": True, "khost": False}


def test_a_hyphenated_query_is_marked_whole(site: Site) -> None:
    """Issue 26: "Tehreek-e-Taliban" marks the hyphenated name whole, in any of its spellings, not
    its words apart; a connector hyphened to a marked word is marked with it; a word hyphened to a
    marked one that the query does not hold is not. The words as the page writes them are among
    the terms Material highlights the opened page with."""
    content = (
        '<h2 id="ttp">Pakistan</h2><p>The Tehrik-i-Taliban Pakistan, or Tehreek-e Taliban, holds Taliban-run districts.</p>'
        '<h2 id="leader">Leader</h2><p>Shahab al-Muhajir leads it; al-Muhajir is a name.</p>'
    )
    records = [page("p/", "Tehrik-i-Taliban Pakistan", content)]
    hyphenated, muhajir = (site.ask(records, query)[0][0]["items"][0] for query in ("Tehreek-e-Taliban", "Shahab al-Muhajir"))
    own, ttp = hyphenated[0], next(item for item in hyphenated if item["location"] == "p/#ttp")
    assert own["title"] == "<mark>Tehrik-i-Taliban</mark> Pakistan"
    assert ttp["text"] == (
        "<p>The <mark>Tehrik-i-Taliban</mark> Pakistan, or <mark>Tehreek-e Taliban</mark>, holds <mark>Taliban</mark>-run districts.</p>"
    )
    assert {"tehreek", "taliban", "tehrik"} <= {term for term, found in ttp["terms"].items() if found}
    assert not ttp["terms"].keys() & {"i", "e", "tehrik-i-taliban"}, "a connector would mark every letter of it on the page"
    leader = next(item for item in muhajir if item["location"] == "p/#leader")
    assert leader["text"] == "<p><mark>Shahab al-Muhajir</mark> leads it; <mark>al-Muhajir</mark> is a name.</p>"


def test_text_from_the_index_reaches_material_escaped(site: Site) -> None:
    hostile = '<img src=x onerror="alert(1)"> & <b>bold</b> "quoted" \'single\''
    records = [page("p/", hostile + " Ranpil", f"<p>{hostile.replace('&', '&amp;').replace('<', '&lt;')} Ranpil</p>", names=(hostile + " Ranpil",))]
    item = site.ask(records, "Ranpil")[0][0]["items"][0][0]
    for field in (item["title"], item["text"], *item["tags"]):
        assert "<img" not in field and "<b>" not in field
        assert re.sub(r"</?(mark|p|span)>", "", field).count("<") == 0
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in field


def test_an_excerpt_is_cut_around_the_first_match(site: Site) -> None:
    long = " ".join(f"filler{n}" for n in range(60)) + " Ranpil " + " ".join(f"after{n}" for n in range(60))
    item = site.ask([page("p/", "P", f"<p>{long}</p>")], "Ranpil")[0][0]["items"][0][0]
    assert item["text"].startswith("<p>… ") and item["text"].endswith(" …</p>")
    assert "<mark>Ranpil</mark>" in item["text"] and len(item["text"]) < 400


def test_a_suggestion_completes_the_last_word_from_the_first_result(site: Site) -> None:
    records = [page("g/", "ISIS-K", "<p>x</p>", names=("ISIS-K", "Wilayat Khorasan"))]
    answer = site.ask(records, "wilayat khor", suggest=True)[0][0]
    assert answer["suggest"] == ["khorasan"]


# -- what it fetches ----------------------------------------------------------------------------------------


def test_a_query_fetches_only_its_shards_the_titles_and_ten_fragments(site: Site) -> None:
    records = [page(f"p{n}/", f"Page {n}", f"<p>common word{n} Ranpil{'x' * (n % 5)}</p>") for n in range(600)]
    records.append(page("g/", "Group", "<p>x</p>", names=("Group", "Ranpil")))
    answers, fetched = site.ask(records, "", "Ranpil", "Ranpil")
    assert answers[0]["items"] == [] and locations(answers[1])[0] == "g/"
    assert fetched.count("search/kb/meta.json") == 1  # and nothing twice: the second query fetches nothing
    assert len(fetched) == len(set(fetched))
    fragments = [path for path in fetched if "/f/" in path]
    assert len(fragments) == 10
    files = build_files(records)
    shards = [path for path in fetched if "/s/" in path]
    assert 0 < len(shards) <= 3 and sum(len(files[path]) for path in shards) < 0.2 * sum(len(files[p]) for p in files if "/s/" in p)
