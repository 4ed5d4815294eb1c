"""A source's URL is shown as written and leads where it says: an upper-case scheme is valid, and a
character Markdown reads inside a link or a table (| ` [ ] \\) cannot break the page or make a link of
its own."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import mkdocs_build

URL = "HTTPS://example.org/report|2024/[a](javascript:alert(1))`x`\\y"


def test_a_url_with_markdown_characters_keeps_its_table_and_its_address(fixture_project: Path) -> None:
    source = fixture_project / "data/sources/beta-news.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("url: https://example.org/beta", f"url: '{URL}'"), encoding="utf-8")
    result = mkdocs_build(fixture_project, fixture_project / "site")
    assert result.code == 0, result.err
    page = (fixture_project / "site/sources/beta-news/index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<td>Public address</td>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert len(cells) == 1  # the | did not split the row
    hrefs = re.findall(r'href="([^"]*)"', cells[0])
    assert hrefs == ["HTTPS://example.org/report%7C2024/%5Ba%5D(javascript:alert(1))%60x%60%5Cy"]
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', page)).replace(hrefs[0], "")
