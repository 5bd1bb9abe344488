"""Benchmark corpus: the Markdown body of one article, from a seeded ``random.Random``.

Pure: returns text and never touches files (``bench.corpus`` writes). Every article gets ``##``
and ``###`` headings, bullet and numbered lists, footnotes, a table, a fenced code block, a
quote and its images, in the DESIGN.md content format. Words are counted the way
``zine.load.markdown`` counts them (whitespace-split inline text; code is not counted).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from bench.vocab import Vocabulary

CODE_LANGUAGES = ("python", "yaml", "bash", "json", "sql")
FEATURES = ("bullets", "table", "code", "numbered", "quote", "subsection")
MAX_WORDS = 2950  # leaves room for an image line added past the budget
MARKUP = re.compile(r"^(#{1,6}|[|>-]|-{3}:?|\d+\.)$")


@dataclass(frozen=True)
class Figure:
    """An image of the article: its file name and what the Markdown says about it."""

    name: str
    alt: str
    caption: str


def count_words(block: str) -> int:
    """Words as zine counts them: inline text only, so list, table and heading marks are not."""
    return sum(1 for token in block.split() if not MARKUP.match(token))


@dataclass
class Writer:
    """Accumulates the blocks of one article body and its running word count."""

    rng: random.Random
    vocab: Vocabulary
    blocks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    headings: set[str] = field(default_factory=set)
    words: int = 0

    def add(self, block: str, counted: bool = True) -> None:
        self.blocks.append(block)
        if counted:
            self.words += count_words(block)

    def try_add(self, block: str) -> bool:
        """Add ``block`` unless it would take the article past MAX_WORDS."""
        if self.words + count_words(block) > MAX_WORDS:
            return False
        self.add(block)
        return True

    def sentence(self) -> str:
        v, rng = self.vocab, self.rng
        parts = [rng.choice(v.subjects), rng.choice(v.verbs), rng.choice(v.objects)]
        if rng.random() < 0.6:
            parts.append(rng.choice(v.adverbials))
        if rng.random() < 0.3:
            parts = [rng.choice(v.connectors) + ",", *parts]
        if rng.random() < 0.35:
            parts += [rng.choice(v.conjunctions), rng.choice(v.subjects), rng.choice(v.verbs),
                      rng.choice(v.objects)]
        if rng.random() < 0.12:
            parts[-1] = f"*{parts[-1]}*"
        text = " ".join(parts)
        return text[0].upper() + text[1:] + "."

    def add_paragraph(self, note_chance: float = 0.25) -> bool:
        """Add a paragraph (maybe with a footnote) if it fits under MAX_WORDS."""
        text = " ".join(self.sentence() for _ in range(self.rng.randint(3, 7)))
        if self.rng.random() < 0.1:
            word = self.rng.choice(self.vocab.heading_words)
            slug = word.lower().replace(" ", "-")
            text += f" [{word}](https://zine.example.org/{slug}/) {self.sentence()}"
        note = self.sentence() if self.rng.random() < note_chance else ""
        if self.words + count_words(text) + count_words(note) > MAX_WORDS:
            return False
        if note:
            self.notes.append(note)
            self.words += count_words(note)
            text = text[:-1] + f"[^{len(self.notes)}]."
        self.add(text)
        return True

    def heading_text(self) -> str:
        v, rng = self.vocab, self.rng
        for _ in range(50):
            first, second = rng.sample(v.heading_words, 2)
            text = f"{first} {v.conjunctions[0]} {second.lower()}"
            if text not in self.headings:
                self.headings.add(text)
                return text
        raise RuntimeError("ran out of distinct headings")


def bullet_list(w: Writer, numbered: bool) -> str:
    items = w.rng.sample(w.vocab.list_items, w.rng.randint(3, 6))
    lines = []
    for index, item in enumerate(items, 1):
        extra = f": {w.sentence()}" if w.rng.random() < 0.4 else ""
        marker = f"{index}." if numbered else "-"
        lines.append(f"{marker} {item[0].upper()}{item[1:]}{extra}")
    return "\n".join(lines)


def table(w: Writer) -> str:
    rng = w.rng
    headers = rng.sample(w.vocab.table_headers, rng.randint(3, 5))
    rows = [f"| {' | '.join(headers)} |", "| --- | " + " | ".join("---:" for _ in headers[1:])
            + " |"]
    for _ in range(rng.randint(3, 8)):
        name = rng.choice(w.vocab.subjects).split(" ", 1)[-1].capitalize()
        cells = [name] + [str(rng.randint(2, 2025)) for _ in headers[1:]]
        rows.append(f"| {' | '.join(cells)} |")
    return "\n".join(rows)


def code_block(rng: random.Random) -> str:
    language = rng.choice(CODE_LANGUAGES)
    names = ["members", "hours", "rate", "budget", "reserve", "invoices", "servers", "backups"]
    lines: list[str] = []
    for index in range(rng.randint(6, 16)):
        name, value = rng.choice(names), rng.randint(1, 999)
        if language == "python":
            lines.append(f"{name}_{index} = sum(x * {value} for x in {rng.choice(names)})")
        elif language == "yaml":
            shared = "true" if value % 2 == 0 else "false"
            lines.append(f"{name}_{index}: {{limit: {value}, shared: {shared}}}")
        elif language == "bash":
            lines.append(f"rsync -a --delete /srv/{name}/ backup{value}:/srv/{name}/  # {index}")
        elif language == "json":
            lines.append(f'  "{name}_{index}": {value},')
        else:
            lines.append(f"SELECT {name}, count(*) FROM coop_{index} WHERE {name} > {value};")
    if language == "json":
        lines = ["{", *lines, '  "end": 0', "}"]
    return f"```{language}\n" + "\n".join(lines) + "\n```"


def image_block(figure: Figure) -> str:
    return f'![{figure.alt}]({figure.name} "{figure.caption}")'


def add_feature(w: Writer, feature: str) -> None:
    if feature in ("bullets", "numbered"):
        w.try_add(bullet_list(w, numbered=feature == "numbered"))
    elif feature == "table":
        w.try_add(table(w))
    elif feature == "code":
        w.add(code_block(w.rng), counted=False)
    elif feature == "quote":
        w.try_add("> " + " ".join(w.sentence() for _ in range(2)))
    elif w.try_add(f"### {w.heading_text()}"):
        for _ in range(w.rng.randint(1, 2)):
            w.add_paragraph()


def article_body(rng: random.Random, vocab: Vocabulary, target_words: int,
                 figures: list[Figure]) -> tuple[str, int]:
    """(Markdown body, word count): at least ``target_words`` (up to MAX_WORDS), ``figures``."""
    w = Writer(rng, vocab)
    w.add_paragraph(note_chance=0.0)
    w.add_paragraph()
    pending = list(figures)
    if pending:
        w.add(image_block(pending.pop(0)))
    features = list(FEATURES)
    rng.shuffle(features)
    while w.words < target_words or features or pending:
        if not w.try_add(f"## {w.heading_text()}"):
            break
        added = [w.add_paragraph() for _ in range(rng.randint(1, 3))]
        if features:
            add_feature(w, features.pop())
        elif rng.random() < 0.5:
            add_feature(w, rng.choice(FEATURES))
        if pending and w.words > target_words // 2:
            w.add(image_block(pending.pop(0)))
        if not any(added):
            break
    for figure in pending:  # an image is never dropped, even past the word budget
        w.add(image_block(figure))
    if not w.notes:
        w.notes.append(w.sentence())
        w.words += count_words(w.notes[0])
        w.blocks[0] = w.blocks[0][:-1] + "[^1]."
    for number, note in enumerate(w.notes, 1):
        w.add(f"[^{number}]: {note}", counted=False)
    return "\n\n".join(w.blocks) + "\n", w.words
