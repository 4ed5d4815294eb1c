"""A synthetic knowledge base of N data files, valid by the project's own contract.

Proportions follow the real knowledge base grown large: of every 100 files about 12 are groups, 45
people, 23 events and 20 sources, plus one brief per 250 files (at least two). Profiles carry ~600
words in sections of cited claims, aliases, figures where a profile of that kind has them, and typed
relationships; each cites 5-10 sources. Everything is drawn from a seeded random generator, so one N
always gives the same files and two runs can be compared.

Popularity is skewed the way a real corpus is: profiles sit in topical clusters whose members link
to and cite one another, and a few hub groups and core sources are linked or cited from everywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SHARES = {"group": 0.12, "person": 0.45, "event": 0.23, "source": 0.20}
FOLDERS = {"group": "groups", "person": "people", "event": "events", "source": "sources"}
CLUSTER_SIZE = 40  # profiles per topical cluster
HUBS = 8  # groups and sources that every cluster refers to now and then

_ONSETS = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "z", "kh", "sh", "zh", "al"]
_VOWELS = ["a", "e", "i", "o", "u", "aa", "ai", "ou"]
_CODAS = ["", "", "n", "r", "m", "d", "sh", "k", "l", "z"]
_WORDS = (
    "the group said its fighters had moved across the border during the winter while local officials "
    "reported that attacks on checkpoints rose sharply after the leadership changed and analysts argued "
    "that recruitment in the provinces depended on money from abroad rather than on ideology alone a "
    "report described training camps in remote valleys and noted that several commanders defected to "
    "a rival faction after disputes over territory taxation and the treatment of prisoners"
).split()
_GROUP_TYPES = ["militant-group", "militant-group", "state-force-or-agency", "religious-movement", "media-outlet"]
_EVENT_TYPES = [("attack", "bombing"), ("attack", "mass shooting"), ("air-strike", "airstrike"), ("attack", "assassination"),
                ("attack", "kidnapping"), ("military-campaign", "offensive"), ("armed-clash", "raid")]
_EVENT_WORDS = [description for _, description in _EVENT_TYPES]
_COUNTRIES = ["Afghanistan", "Pakistan", "Tajikistan", "Uzbekistan", "Iran", "Iraq", "Syria", "Russia", "Turkey", "Kyrgyzstan"]
_ROLES = ["Commander", "Spokesman", "Founder", "Financier", "Recruiter", "Deputy leader", "Negotiator"]
_SECTION_TITLES = ["Origins", "Leadership", "Operations", "Funding", "Relations", "Assessments", "Aftermath"]
_KINDS = ["news", "analysis", "report", "interview", "explainer", "official", "opinion"]
_PUBLISHERS = ["Frontier Review", "Steppe Wire", "Mountain Desk", "Border Monitor", "Valley Times", "Policy Lab"]


@dataclass
class Entity:
    kind: str
    id: str
    name: str
    cluster: int
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    group: int
    person: int
    event: int
    source: int
    brief: int

    @classmethod
    def for_size(cls, size: int) -> Counts:
        group, person, event = (max(2, round(size * SHARES[kind])) for kind in ("group", "person", "event"))
        source = max(HUBS + 2, size - group - person - event)
        return cls(group, person, event, source, max(2, size // 250))


class Synth:
    def __init__(self, size: int, seed: int = 8):
        self.random = random.Random(seed * 1_000_003 + size)
        self.counts = Counts.for_size(size)
        self.taken: set[str] = set()  # every id, name and alias key: names belong to one entity only
        self.entities: dict[str, list[Entity]] = {}
        self.clusters = max(1, size // CLUSTER_SIZE)

    # -- names ---------------------------------------------------------------------------

    def word(self, syllables: int) -> str:
        pick = self.random.choice
        return "".join(pick(_ONSETS) + pick(_VOWELS) + pick(_CODAS) for _ in range(syllables)).capitalize()

    def unique(self, make) -> str:  # type: ignore[no-untyped-def]
        while True:
            name = make()
            key = _key(name)
            if key and key not in self.taken:
                self.taken.add(key)
                return name

    def name_for(self, kind: str) -> str:
        if kind == "group":
            return self.unique(lambda: f"{self.word(2)} {self.random.choice(['Front', 'Movement', 'Brigade', 'League', 'Network'])}")
        if kind == "person":
            return self.unique(lambda: f"{self.word(2)} {self.word(self.random.choice([2, 3]))}")
        if kind == "event":
            return self.unique(lambda: f"{self.word(2)} {self.random.choice(_EVENT_WORDS)} {self.random.randint(1990, 2024)}")
        return self.unique(lambda: f"{self.word(3)} {self.random.randint(1990, 2024)}")

    # -- building ------------------------------------------------------------------------

    def plan(self) -> None:
        for kind in ("group", "person", "event", "source"):
            made = []
            for index in range(getattr(self.counts, kind)):
                name = self.name_for(kind)
                entity = Entity(kind, _key(name), name, index % self.clusters)
                if kind != "source":
                    entity.aliases = [
                        self.unique(lambda: self.word(self.random.choice([1, 2, 3])))
                        for _ in range(self.random.choice([0, 1, 1, 2, 3]))
                    ]
                made.append(entity)
            self.entities[kind] = made
        # Ids were taken as names; make sure each id key is reserved too (names and ids share a space).
        for entities in self.entities.values():
            for entity in entities:
                self.taken.add(entity.id)

    def pick(self, kind: str, cluster: int, exclude: str = "") -> Entity:
        """A member of the same cluster mostly; a hub now and then; anyone rarely."""
        pool = self.entities[kind]
        roll = self.random.random()
        if roll < 0.1:
            choice = pool[self.random.randrange(min(HUBS, len(pool)))]
        elif roll < 0.85:
            local = pool[cluster % self.clusters :: self.clusters] or pool
            choice = self.random.choice(local)
        else:
            choice = self.random.choice(pool)
        return choice if choice.id != exclude else self.pick(kind, cluster + 1, exclude)

    def sentence(self, low: int, high: int) -> str:
        words = self.random.choices(_WORDS, k=self.random.randint(low, high))
        return " ".join(words).capitalize() + "."

    def claim_text(self, entity: Entity) -> str:
        parts = [self.sentence(12, 22)]
        for _ in range(self.random.choice([0, 1, 1, 2])):
            other = self.pick(self.random.choice(["group", "person", "event"]), entity.cluster, entity.id)
            shown = self.random.random()
            if shown < 0.5:
                link = f"[[{other.id}]]"
            elif shown < 0.8 and other.aliases:
                link = f"[[{self.random.choice(other.aliases)}]]"
            else:
                link = f"[[{other.id}|{other.name.split()[0]}]]"
            parts.append(f"It names {link} in this account.")
        parts.append(self.sentence(8, 16))
        return " ".join(parts)

    def cite(self, sources: list[Entity], many: int = 1) -> list[str]:
        chosen = self.random.sample(sources, k=min(many, len(sources)))
        return [f"{source.id}, para {self.random.randint(1, 40)}" for source in chosen]

    def attributed(self, sources: list[Entity], **extra: object) -> dict[str, object]:
        item: dict[str, object] = dict(extra)
        if self.random.random() < 0.25:
            item["status"] = self.random.choice(["reported", "claimed", "assessed", "alleged", "disputed"])
            item["by"] = f"{self.random.choice(_PUBLISHERS)} analysts"
        item["cite"] = self.cite(sources, self.random.choice([1, 1, 2]))
        return item

    def profile(self, entity: Entity) -> dict[str, object]:
        sources = [self.pick("source", entity.cluster) for _ in range(self.random.randint(5, 10))]
        sources = list({source.id: source for source in sources}.values())
        data: dict[str, object] = {"id": entity.id, "name": entity.name}
        if entity.aliases:
            data["aliases"] = [{"name": alias, "cite": self.cite(sources)} for alias in entity.aliases]
        data.update(self.facts(entity))
        data["summary"] = self.attributed(sources, text=self.claim_text(entity))
        data["sections"] = [
            {
                "title": title,
                "claims": [
                    self.attributed(sources, text=self.claim_text(entity))
                    for _ in range(self.random.randint(3, 5))
                ],
            }
            for title in self.random.sample(_SECTION_TITLES, k=self.random.randint(2, 4))
        ]
        figures = self.figures(entity, sources)
        if figures:
            data["figures"] = figures
        relationships = self.relationships(entity, sources)
        if relationships:
            data["relationships"] = relationships
        return data

    def facts(self, entity: Entity) -> dict[str, object]:
        year = self.random.randint(1980, 2020)
        if entity.kind == "group":
            return {
                "type": self.random.choice(_GROUP_TYPES),
                "type_description": f"{self.word(2)} faction",
                "founded": year,
                "areas": self.random.sample(_COUNTRIES, k=2),
            }
        if entity.kind == "person":
            return {"role": f"{self.random.choice(_ROLES)} of a faction", "born": year - 30, "nationality": self.random.choice(_COUNTRIES)}
        date = f"{year}-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}"
        kind = self.random.choice(_EVENT_TYPES)
        return {"type": kind[0], "type_description": kind[1], "date": date, "place": self.word(2), "country": self.random.choice(_COUNTRIES)}

    def figures(self, entity: Entity, sources: list[Entity]) -> list[dict[str, object]]:
        wanted = {"group": [("strength", "Strength", "fighters")], "event": [("deaths", "Deaths", "people"), ("injuries", "Injuries", "people")]}
        figures = []
        for figure_id, label, unit in wanted.get(entity.kind, []):
            if self.random.random() < 0.3:
                continue
            base = self.random.randint(10, 5000)
            values = []
            for _ in range(self.random.randint(1, 3)):
                value: dict[str, object] = {"value": base + self.random.randint(0, 50)}
                if self.random.random() < 0.2:
                    value["max"] = value["value"] + self.random.randint(1, 500)  # type: ignore[operator]
                value["qualifier"] = self.random.choice(["exact", "about", "at-least", "more-than"])
                value["as_of"] = self.random.randint(2000, 2024)
                value["cite"] = self.cite(sources)
                values.append(value)
            figures.append({"id": figure_id, "label": label, "unit": unit, "values": values})
        return figures

    def relationships(self, entity: Entity, sources: list[Entity]) -> list[dict[str, object]]:
        options = {
            "person": [("member-of", "group"), ("leads", "group"), ("involved-in", "event"), ("killed-in", "event"), ("allied-with", "person")],
            "group": [("rival-of", "group"), ("affiliate-of", "group"), ("carried-out", "event"), ("claimed", "event"), ("shelters", "person")],
            "event": [("part-of", "event")],
        }[entity.kind]
        made, seen = [], set()
        for _ in range(self.random.randint(1, 4) if entity.kind != "event" else self.random.randint(0, 1)):
            relation, kind = self.random.choice(options)
            target = self.pick(kind, entity.cluster, entity.id)
            if (relation, target.id) in seen:
                continue
            seen.add((relation, target.id))
            item: dict[str, object] = {"type": relation, "target": target.id}
            if self.random.random() < 0.4:
                item["since"] = self.random.randint(1990, 2015)
            made.append({**item, **self.attributed(sources)})
        return made

    def source(self, entity: Entity) -> dict[str, object]:
        data: dict[str, object] = {
            "id": entity.id,
            "title": f"{self.sentence(4, 9)[:-1]}",
            "publisher": self.random.choice(_PUBLISHERS),
            "authors": [f"{self.word(2)} {self.word(2)}"],
            "kind": self.random.choice(_KINDS),
            "date": f"{self.random.randint(2000, 2024)}-{self.random.randint(1, 12):02d}",
            "summary": self.sentence(25, 45),
        }
        if self.random.random() < 0.7:
            data["url"] = f"https://example.org/{entity.id}"
        return data

    def brief(self, index: int) -> str:
        sources = self.entities["source"]
        paragraphs = []
        for _ in range(self.random.randint(6, 10)):
            cluster = self.random.randrange(self.clusters)
            entity = self.pick("group", cluster)
            cite = self.random.choice(sources).id
            paragraphs.append(
                f"{self.sentence(20, 40)} The [[{entity.id}]] is central here [@{cite}, para {self.random.randint(1, 30)}]. "
                f"{self.sentence(20, 40)}"
            )
        front = {"title": f"Brief number {index + 1}", "date": f"2024-{index % 12 + 1:02d}", "summary": self.sentence(20, 30)}
        return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + "\n\n".join(paragraphs) + "\n"

    def write(self, root: Path) -> Counts:
        self.plan()
        for kind, entities in self.entities.items():
            folder = root / "data" / FOLDERS[kind]
            folder.mkdir(parents=True, exist_ok=True)
            for entity in entities:
                data = self.source(entity) if kind == "source" else self.profile(entity)
                text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
                (folder / f"{entity.id}.yaml").write_text(text, encoding="utf-8")
        briefs = root / "briefs"
        briefs.mkdir(parents=True, exist_ok=True)
        for index in range(self.counts.brief):
            (briefs / f"brief-{index + 1}.md").write_text(self.brief(index), encoding="utf-8")
        return self.counts


def _key(name: str) -> str:
    """The project's name key (slugify), which is also how an id is made from a name."""
    from generator.stages.resolve import name_key

    return name_key(name)


def make_knowledge_base(root: Path, size: int, seed: int = 8) -> Counts:
    """Write data/ and briefs/ for a knowledge base of ``size`` data files under root."""
    return Synth(size, seed).write(root)
