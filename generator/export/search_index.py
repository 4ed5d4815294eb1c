"""The site's search index: split into small static files, so that a reader's browser fetches only the
part a query needs, and never the whole index.

The files, how a name finds its profile first and how pages are ranked: ``index_files``. Nothing
here imports MkDocs: the adapter (generator/mkdocs_adapter/search.py) hands over each page's
address, title, converted HTML and names.
"""

from __future__ import annotations

import functools
import hashlib
import html
import math
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import orjson

from ..model.names import spoken_name
from ..model.spelling import spelling_keys

FOLDER = "search/kb"
BLOCK = 256  # pages per block of addresses and titles
SHARD_BYTES = 24_000  # a shard with more than this (its JSON) is split by one more letter ...
MAX_KEY = 6  # ... up to keys of this many letters
WEIGHTS = {"name": 100, "title": 50, "heading": 12}  # text: 1 + a share that saturates with repetition
# A fragment is for showing a result: which sections match, and an excerpt. Long lists (the timeline,
# a source cited by hundreds of profiles) are cut there, not in the index: every word still counts.
SECTION_TEXT = 1_500  # characters of a section's text kept in its page's fragment ...
PAGE_TEXT = 12_000  # ... and of all its sections together
EXPAND_FROM = 3  # a word of the query this long or longer also finds the words it begins

# lunr's English stop words (Material's default pipeline drops them from its index and queries): too
# common to tell pages apart. They still count in names: "The Hindu" is a name of two words.
STOP_WORDS = frozenset(
    "a able about across after all almost also am among an and any are as at be because been but by "
    "can cannot could dear did do does either else ever every for from get got had has have he her hers "
    "him his how however i if in into is it its just least let like likely may me might most must my "
    "neither no nor not of off often on only or other our own rather said say says she should since so "
    "some than that the their them then there these they this tis to too twas us wants was we were what "
    "when where which while who whom why will with would yet you your".split()
)

# -- words -------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


@functools.cache
def _marks() -> dict[int, None]:
    """Every combining mark (Unicode categories Mn, Mc, Me), for str.translate to delete: what
    kb-search.js removes as \\p{M}. (A regular expression of these is several times slower.)"""
    planes = (*range(0x20000), *range(0xE0000, 0xF0000))  # marks are in planes 0, 1 and 14 only
    return {code: None for code in planes if unicodedata.category(chr(code)).startswith("M")}


def fold(text: str) -> str:
    """Lower case without accents: 'Wilāyat' and 'wilayat' are one word. (kb-search.js: fold.)"""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed.lower()
    return decomposed.translate(_marks()).lower()


def words(text: str) -> list[str]:
    """The words of a text as the index knows them: runs of letters and digits, folded."""
    return _WORD.findall(fold(text))


def name_key(name: str) -> str:
    """'IS-K', 'is k' and 'Is K' are one name: its words, joined by a space."""
    return " ".join(words(name))


# -- a page's sections, from its HTML ------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    anchor: str  # "" for the page's own part (before its first heading with an id below the title)
    title: str
    text: str


# Elements whose text is not the page's: the pilcrow of headings, footnote markers and the notes
# themselves (the page's "Sources" section names every source), the jump list, pictures, code that
# runs, and what a page marks as excluded from search (Material's data-search-exclude). Dropped with
# everything inside them.
_MARKERS = re.compile(r"""<a class="headerlink"[^>]*>[^<]*</a>|<sup id="fnref[^"]*"><a class="footnote-ref"[^>]*>[^<]*</a></sup>""")
_DROPPED = re.compile(r"""<(nav|svg|script|style|template|noscript)\b[^>]*>|<(div) class="footnote">""", re.IGNORECASE)
_EXCLUDED = re.compile(r"""<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>""")
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|br|hr|blockquote|figure|figcaption|"
    r"section|article|aside|header|footer|details|summary|pre|h[1-6])\b[^<>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<!--.*?-->|<[/!?]?[a-zA-Z][^<>]*>", re.DOTALL)  # as HTML reads a tag: "a < b" and "<>" are text
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_STOP = re.compile(r" (?=[.,;:!?])")  # where a footnote marker stood: "group¹." reads "group."


def sections_of(content: str, title: str) -> list[Section]:
    """A page's parts: its own (titled by the page) and one per heading with an id. Never raises:
    whatever the HTML, the worst it can do is give a section a little more or less text."""
    content = _drop_elements(content)
    found: list[Section] = []
    anchor, heading, start = "", title, 0
    for match in _HEADING.finditer(content):
        ids = _ID.search(match.group(2))
        if ids is None:
            continue
        found.append(Section(anchor, heading, plain(content[start : match.start()])))
        level, anchor, heading = match.group(1), ids.group(1) or ids.group(2) or "", plain(match.group(3))
        if level == "1" and not found[-1].text and found[-1].anchor == "" and len(found) == 1:
            found.pop()  # the page's title heading: its part is the page's own
            anchor, heading = "", title
        start = match.end()
    found.append(Section(anchor, heading, plain(content[start:])))
    return [section for section in found if section.anchor == "" or section.text or section.title]


def plain(fragment: str) -> str:
    """The text of an HTML fragment: each tag a space (so that table cells and list items stay apart;
    the rare word split by an inline tag, "IS<em>K</em>", is split), entities read, spaces joined."""
    text = _TAG.sub(" ", fragment)
    if "&" in text:
        text = html.unescape(text)
    return _SPACE_BEFORE_STOP.sub("", _SPACE.sub(" ", text)).strip()


def _drop_elements(content: str) -> str:
    """``content`` without the elements named above, each up to its matching end tag. An element
    left open (not what Python-Markdown writes) is dropped to the end of the content."""
    content = _MARKERS.sub(" ", content)  # a space, not to join the words on either side
    content = _drop(content, _DROPPED)
    return _drop(content, _EXCLUDED) if "data-search-exclude" in content else content


def _drop(content: str, starts: re.Pattern[str]) -> str:
    parts: list[str] = []
    position = 0
    while (match := starts.search(content, position)) is not None:
        parts.append(content[position : match.start()] + " ")
        tag = next(group for group in match.groups() if group)
        position = _end_of(content, tag.lower(), match.end())
    parts.append(content[position:])
    return "".join(parts)


@functools.cache
def _tags_of(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE)


def _end_of(content: str, tag: str, position: int) -> int:
    """Where the element of ``tag`` opened just before ``position`` ends (after its end tag)."""
    depth = 1
    for match in _tags_of(tag).finditer(content, position):
        if match.group(0).endswith("/>"):
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(content)


# -- pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRecord:
    """One page as the index takes it: compared whole, so that an unchanged page is not read again."""

    url: str  # the page's address, relative to the site ("" for the home page)
    title: str
    content: str  # the page's HTML, as converted from its Markdown (without the theme around it)
    names: tuple[str, ...] = ()  # a profile's name and aliases (model/names.py: named_by for an unconfirmed one)
    boost: float = 1.0


@dataclass(frozen=True)
class PagePart:
    """What one page adds to the index: its words with their weights, its name keys, its fragment."""

    weights: dict[str, int]
    names: dict[str, int]  # name key -> 2 for a profile's name or alias, 1 for the page's title
    fragment: bytes

    @classmethod
    def of(cls, record: PageRecord) -> PagePart:
        sections = sections_of(record.content, record.title)
        counts: Counter[str] = Counter()
        best: dict[str, int] = defaultdict(int)
        for section in sections:
            counts.update(words(section.text))
            if section.anchor:
                for word in words(section.title):
                    best[word] = max(best[word], WEIGHTS["heading"])
        for word in words(record.title):
            best[word] = max(best[word], WEIGHTS["title"])
        for name in map(spoken_name, record.names):
            for word in words(name):
                best[word] = max(best[word], WEIGHTS["name"])
        weights = {}
        boost = record.boost
        for word in counts.keys() | best.keys():
            if word in STOP_WORDS:
                continue
            count = counts[word]
            text = _TEXT_SHARE[count] if count < len(_TEXT_SHARE) else _text_share(count)
            weight = round((best.get(word, 0) + 1 + text) * boost)
            weights[word] = weight if weight > 1 else 1
        keys = {name_key(record.title): 1} if name_key(record.title) else {}
        for name in map(spoken_name, record.names):
            if name_key(name):
                keys[name_key(name)] = 2
        _add_spellings(keys, record.title, 1)
        for name in map(spoken_name, record.names):
            _add_spellings(keys, name, 2)
        fragment = orjson.dumps({"s": _shown(sections), "n": list(record.names)})
        return cls(weights, keys, fragment)


SPELLING = "~"  # a name's spelling key (model/spelling.py) is an entry of its own, after this mark


def spelling_entries(name: str) -> list[str]:
    """The index's entries for a name's spelling keys: the whole name's first, then each tail of it."""
    return [SPELLING + key for key in spelling_keys(words(name)) if key]


def _add_spellings(keys: dict[str, int], name: str, kind: int) -> None:
    """A name's spelling key with its kind (2 a profile's name, 1 a title), each tail of it with 0."""
    for position, entry in enumerate(spelling_entries(name)):
        weight = kind if position == 0 else 0
        keys[entry] = max(keys.get(entry, -1), weight)


def _text_share(count: int) -> float:
    """What a word's mentions in the text add to its weight: it saturates, the tenth adds little."""
    return 10 * count / (count + 1.2)


_TEXT_SHARE = [_text_share(count) for count in range(64)]


def _shown(sections: list[Section]) -> list[list[str]]:
    """Each section as [anchor, title, text], its text cut at a word (and marked "…") where it is long."""
    shown, left = [], PAGE_TEXT
    for section in sections:
        text = section.text
        limit = max(0, min(SECTION_TEXT, left))
        if len(text) > limit:
            cut = text.rfind(" ", 0, limit + 1)
            text = (text[: cut if cut > 0 else limit].rstrip() + " …") if limit else ""
        left -= len(text)
        shown.append([section.anchor, section.title, text])
    return shown


# -- the index ---------------------------------------------------------------------------------------


@dataclass
class SearchIndex:
    """Every page's part, and the files they make.

    Pages are numbered in the order given, so an index brought up to date by ``update`` writes the
    same files as a fresh one of the same pages; a page's part is kept while its record is unchanged,
    so an update reads again only the pages that changed.
    """

    parts: dict[str, tuple[PageRecord, PagePart]] = field(default_factory=dict)  # url -> its record and part
    _files: dict[str, bytes] = field(default_factory=dict)

    def update(self, records: Iterable[PageRecord]) -> set[str]:
        """Make these the pages of the index; the paths (in the site) of the files that changed, are
        new, or are gone."""
        parts: dict[str, tuple[PageRecord, PagePart]] = {}
        for record in records:
            known = self.parts.get(record.url)
            parts[record.url] = known if known is not None and known[0] == record else (record, PagePart.of(record))
        self.parts = parts
        files: dict[str, bytes] = {}
        index_files(parts.values(), files.__setitem__)
        changed = {path for path in files.keys() | self._files.keys() if files.get(path) != self._files.get(path)}
        self._files = files
        return changed

    @property
    def files(self) -> Mapping[str, bytes]:
        """Path in the site -> content, for every file of the index."""
        return self._files


def build_files(records: Iterable[PageRecord]) -> dict[str, bytes]:
    """The files of a fresh index of ``records``."""
    files: dict[str, bytes] = {}
    index_files(((record, PagePart.of(record)) for record in records), files.__setitem__)
    return files


def index_files(pages: Iterable[tuple[PageRecord, PagePart]], out: Callable[[str, bytes], object]) -> None:
    """Hand each file of the index of ``pages`` to ``out(path in the site, content)``, one at a time:
    a build writes them as they come, holding only the postings (as arrays of numbers) between.

    Material's own index is one file with the text of every page, which its
    bundle fetches on the first view of any page and its worker turns into a lunr index. Here the same
    search box (Material's, unchanged) talks to a worker of the site's own (site_src/assets/kb-search.js),
    which reads these files under ``search/kb/``:

    - ``meta.json``: the number of pages, the version of the index and the list of shards. Fetched at the
      first query (revalidated each time a page is opened); every other file is asked for with
      ``?v=<version>``, so that a browser never mixes files of two builds.
    - ``s/<shard>.json``: the inverted index, split by the first letters of each entry. An entry is a
      word, with its pages and their weights, or a *name key*, with the pages of that name. A shard holds
      the entries that start with its key and with no longer key; a key with too many entries is split
      into longer keys (``SHARD_BYTES``), so a query fetches a few shards of bounded size.
    - ``p/<block>.json``: the address and title of each page, by blocks of ``BLOCK`` page numbers.
    - ``f/<page>.json``: a page's sections (anchor, heading, text), for the results shown first:
      which sections match, an excerpt, the words to highlight.

    **Every name of a profile finds it first, by construction.** A profile's name and aliases (and every
    page's title) are entries of their own, keyed by their words (``name_key``). A query whose words are
    exactly a name's words puts that page first, before any ranking by weights: a profile's names before
    another page's title. The worker computes the query's key with the same rules (``words`` here, and
    its copy in kb-search.js; tests/test_search_worker.py holds the two equal).

    **A name in another spelling finds it next.** Each name's spelling key (model/spelling.py:
    "Khurasan" and "Khorasan" are one) is an entry too, marked ``~``, with the same kinds; each tail of
    a name from its second word on has an entry of kind 0, so that "Mansoor" finds "Akhtar Mansour". The
    worker ranks a page by the best of: its name is the query (as written), its name's spelling is the
    query's, its name (or its name's spelling) begins with the query's, a tail of its name does; then by
    weights below.

    Ranking below that: a page must hold every word of the query (a word of three letters or more also
    matches the words it begins, so the last one may be unfinished), else the pages that hold most of
    them.
    A word weighs by where it stands on the page (``WEIGHTS``: names, title, headings, text) times the
    page's search boost (front matter ``search: boost:``, as Material reads it), and by how rare it is.

    Nothing here imports MkDocs: the adapter (generator/mkdocs_adapter/search.py) hands over each page's
    address, title, converted HTML and names. ``SearchIndex`` keeps each page's part, so that a preview
    can replace the parts of the pages an edit touched and rewrite only the files that changed.
    """
    terms: dict[str, array[int]] = {}
    names: dict[str, list[int]] = defaultdict(list)
    rows: list[list[str]] = []
    digests: list[tuple[str, bytes]] = []

    def emit(path: str, data: bytes) -> None:
        digests.append((path, hashlib.sha1(data).digest()))
        out(path, data)

    for number, (record, part) in enumerate(pages):
        for word, weight in part.weights.items():
            postings = terms.get(word)
            if postings is None:
                postings = terms[word] = array("I")
            postings.append(number)
            postings.append(weight)
        for key, kind in part.names.items():
            names[key] += (number, kind)
        emit(f"{FOLDER}/f/{number}.json", part.fragment)
        rows.append([record.url, record.title])
    keys = _shard_keys({**{word: len(postings) for word, postings in terms.items()}, **{key: len(pages) for key, pages in names.items()}})
    for key, entries in keys.items():
        shard = {
            "t": {entry: _deltas(terms[entry]) for entry in entries if entry in terms},
            "n": {entry: names[entry] for entry in entries if entry in names},
        }
        emit(f"{FOLDER}/s/{shard_file(key)}.json", orjson.dumps(shard))
    for block in range(0, len(rows), BLOCK):
        emit(f"{FOLDER}/p/{block // BLOCK}.json", orjson.dumps(rows[block : block + BLOCK]))
    version = hashlib.sha1()
    for path, digest in sorted(digests):
        version.update(path.encode() + b"\0" + digest)
    meta = {"version": version.hexdigest()[:12], "pages": len(rows), "block": BLOCK, "expand": EXPAND_FROM, "shards": sorted(keys)}
    out(f"{FOLDER}/meta.json", orjson.dumps(meta))


def shard_file(key: str) -> str:
    """A shard's file name: its key where that is plain ASCII letters and digits, else its UTF-8 in
    hex (kb-search.js: shardFile)."""
    return key if re.fullmatch(r"[a-z0-9]+", key) else "_" + key.encode("utf-8").hex()


def _shard_keys(sizes: Mapping[str, int]) -> dict[str, list[str]]:
    """Shard key -> its entries (words and name keys, sorted), from each entry's number of postings.

    Every entry lives in the shard with the longest key it starts with. Keys start at an entry's
    first two letters (one, for a word of one letter); a shard whose JSON would exceed SHARD_BYTES
    gives the entries longer than its key to keys of one more letter, up to MAX_KEY letters."""
    groups: dict[str, list[str]] = defaultdict(list)
    for entry in sizes:
        groups[entry[:2]].append(entry)
    done: dict[str, list[str]] = {}
    while groups:
        prefix, members = groups.popitem()
        if sum(len(entry) + 4 * sizes[entry] for entry in members) <= SHARD_BYTES or len(prefix) >= MAX_KEY:
            done[prefix] = sorted(members)
            continue
        longer: dict[str, list[str]] = defaultdict(list)
        kept = []
        for entry in members:
            if len(entry) > len(prefix):
                longer[entry[: len(prefix) + 1]].append(entry)
            else:
                kept.append(entry)
        if kept:
            done[prefix] = kept
        groups.update(longer)
    return done


def _deltas(postings: Sequence[int]) -> list[int]:
    """[page, weight, page, weight, ...] with each page number given as its distance from the one
    before: small numbers, which compress well."""
    encoded: list[int] = []
    previous = 0
    for index in range(0, len(postings), 2):
        encoded += (postings[index] - previous, postings[index + 1])
        previous = postings[index]
    return encoded


def idf(pages: int, holding: int) -> float:
    """How much a word tells pages apart (kb-search.js computes the same)."""
    return math.log(1 + pages / max(1, holding))
