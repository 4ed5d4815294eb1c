"""Skipping the inline patterns that cannot match (generator/skip_inline.py) gives the HTML that
Python-Markdown gives without it: on generated Markdown made of every character the patterns look
for, on every page of the real site, and with an extension whose patterns it does not know."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config

from conftest import ROOT, generator
from generator.skip_inline import SkipImpossibleInlinePatterns, loop_is_known, needs_of, with_skipping


def _converters(extensions: list[object], configs: dict[str, dict[str, object]]) -> tuple[markdown.Markdown, markdown.Markdown]:
    plain = markdown.Markdown(extensions=list(extensions), extension_configs=configs)
    skipping = markdown.Markdown(extensions=with_skipping(list(extensions)), extension_configs=configs)
    return plain, skipping


@pytest.fixture(scope="module")
def site_converters() -> tuple[markdown.Markdown, markdown.Markdown]:
    """Python-Markdown as the site's mkdocs.yml sets it up, without and with the skip."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return _converters(list(config.markdown_extensions), dict(config.mdx_configs))


def test_the_installed_python_markdown_is_the_one_it_was_written_against(site_converters: tuple[markdown.Markdown, markdown.Markdown]) -> None:
    # Otherwise the extension quietly does nothing: right, but this test says the speed is gone.
    assert loop_is_known()
    _, skipping = site_converters
    skipping.reset().convert("a [link](b) and *c*")
    needs = needs_of(skipping.inlinePatterns)
    assert len(needs) == len(skipping.inlinePatterns) and all(need is not None for need in needs)


_pieces = st.sampled_from([
    "a", " ", "  \n", "\n", "\n\n", "`", "``", "\\", "\\\\", "[", "]", "(", ")", "![", "[^1]", "[^9]", "[x]",
    "[x]: http://e.org", "[^1]: note", "(b)", "<", ">", "<b>", "</b>", "<http://e.org>", "<a@b.c>", "<!-- c -->",
    "&", "&amp;", "&#8617;", "&x;", "*", "**", "_", "__", "~", "{: #id }", "{ .c }", "|", "| a | b |\n|---|---|\n",
    "# ", "- ", "1. ", "> ", "    ", "<div markdown>\n", "</div>\n", "ISKP", "Wilāyat", "—", "“", "\u00a0",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_pieces, max_size=30).map("".join))
@example("[Zaammun 2012](#ref-x), para 30.<span class=\"kb-fullref\">Z, F. “A”.</span>[^1]\n\n[^1]: x")
@example("a\\\nb  \nc `d\\` e` **f *g* h** _i_ &amp; <j>")
def test_any_markdown_converts_to_the_same_html(site_converters: tuple[markdown.Markdown, markdown.Markdown], text: str) -> None:
    plain, skipping = site_converters
    assert skipping.reset().convert(text) == plain.reset().convert(text)


def test_every_page_of_the_real_site_converts_to_the_same_html(tmp_path, site_converters: tuple[markdown.Markdown, markdown.Markdown]) -> None:  # type: ignore[no-untyped-def]
    done = generator("render", "--out", str(tmp_path / "pages"), cwd=ROOT)
    assert done.code == 0, done.err
    pages = sorted((tmp_path / "pages").rglob("*.md")) + sorted((ROOT / "site_src").rglob("*.md"))
    assert len(pages) > 60
    plain, skipping = site_converters
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert skipping.reset().convert(text) == plain.reset().convert(text), page


def test_a_pattern_it_does_not_know_is_always_tried() -> None:
    # pymdownx's ~~strike~~ and ==mark== need characters the table does not list: they must still work.
    plain, skipping = _converters(["pymdownx.tilde", "pymdownx.mark"], {})
    text = "a ~~struck~~ and ==marked== word"
    assert skipping.reset().convert(text) == plain.reset().convert(text)
    assert "<del>struck</del>" in plain.convert(text) and "<mark>marked</mark>" in plain.reset().convert(text)
    needs = needs_of(skipping.inlinePatterns)
    assert None in needs  # the two share one pattern of pymdownx's


def test_it_is_added_once_and_reads_the_same_in_every_build() -> None:
    extensions = with_skipping(with_skipping(["toc"]))
    assert sum(isinstance(extension, SkipImpossibleInlinePatterns) for extension in extensions) == 1
    assert repr(extensions[-1]) == repr(SkipImpossibleInlinePatterns())  # the preview keys its cache on it
