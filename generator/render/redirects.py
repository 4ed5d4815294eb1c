"""Other addresses of a profile: /groups/iskp/ for ISIS-K, or the old id of a renamed profile.

A reader who guesses a URL from a name, or follows a link made before a rename, lands on the profile.
Each name, alias and former id becomes a slug in the profile's own folder; the render stage writes a
small redirect page there, unless a real page already stands at that address.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..stages.resolve import KnowledgeBase, name_key


@dataclass(frozen=True)
class Redirect:
    old: str  # the other address, as the page path it would have: groups/iskp.md
    name: str  # the name it comes from, as written: "ISKP"
    page: str  # the profile's page: groups/isis-k.md
    title: str  # the profile's name, for the link on the redirect page


def redirects(kb: KnowledgeBase) -> list[Redirect]:
    found = []
    for profile in kb.profiles.values():
        folder = posixpath.dirname(profile.path)
        model = profile.model
        seen = {profile.id}
        for name in (model.name, *model.other_names, *model.former_ids):
            slug = name_key(name)
            if not slug or slug in seen:
                continue
            seen.add(slug)
            found.append(Redirect(f"{folder}/{slug}.md", name, profile.path, model.name))
    return found
