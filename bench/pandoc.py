"""Benchmark: the Pandoc side, set up the way a Pandoc user would publish the same issue.

Reads the generated corpus (``bench.corpus``) and writes Pandoc's inputs into a work folder:
one Markdown file per article (front matter turned into a level-1 title, the author line and a
``lang`` div; images pointed at ``<slug>/<file>`` and found through ``--resource-path``) and a
metadata file. Returns the command lines; runs nothing itself (``bench.run`` times them).
Pandoc is the binary of ``pypandoc-binary``; ``--pdf-engine=weasyprint`` finds the venv's
WeasyPrint on PATH.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

IMAGE_LINK = re.compile(r"\]\((?!https?:)([^)\s]+)")


@dataclass(frozen=True)
class PandocJobs:
    """The three Pandoc command lines (epub, html, pdf) and the folder they run in."""

    cwd: Path
    epub: list[str]
    html: list[str]
    pdf: list[str]
    outputs: list[Path]  # what epub, html and pdf write, in that order


def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def split_article(text: str) -> tuple[dict[str, object], str]:
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    return (meta if isinstance(meta, dict) else {}), body


def article_markdown(slug: str, text: str) -> str:
    """One article as a Pandoc user would feed it: title heading, authors, lang div, body."""
    meta, body = split_article(text)
    authors = meta.get("authors")
    authors = authors if isinstance(authors, list) else []
    names = ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict))
    body = IMAGE_LINK.sub(lambda m: f"]({slug}/{m.group(1)}", body)
    lines = [f"::: {{lang={meta.get('language', 'en')}}}", "",
             f"# {meta.get('title', slug)} {{#{slug}}}", ""]
    if meta.get("subtitle"):
        lines += [f"*{meta['subtitle']}*", ""]
    lines += [f"**{names}**", "", body.rstrip(), "", ":::", ""]
    return "\n".join(lines)


def metadata_yaml(issue: dict[str, object], publication: dict[str, object]) -> str:
    editors = issue.get("editors")
    editors = editors if isinstance(editors, list) else []
    meta = {
        "title": str(issue.get("title", "")),
        "author": [str(e.get("name", "")) for e in editors if isinstance(e, dict)],
        "date": str(issue.get("date", "")),
        "lang": str(issue.get("language", "en")),
        "publisher": str(publication.get("publisher", "")),
        "rights": str(issue.get("license", "")),
        "description": str(issue.get("description", "")),
    }
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)


def prepare_pandoc(corpus: Path, issue_id: str, work: Path, out: Path) -> PandocJobs:
    """Write Pandoc's inputs for ``issue_id`` into ``work``; outputs will go to ``out``."""
    issue_dir = corpus / "issues" / issue_id
    issue = yaml.safe_load((issue_dir / "issue.yaml").read_text(encoding="utf-8"))
    publication = yaml.safe_load((corpus / "zine.yaml").read_text(encoding="utf-8"))
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    (work / "metadata.yaml").write_text(metadata_yaml(issue, publication), encoding="utf-8")
    sources = []
    for folder in sorted(p for p in (issue_dir / "articles").iterdir() if p.is_dir()):
        text = (folder / "index.md").read_text(encoding="utf-8")
        # Pandoc drops leading digits from --file-scope id prefixes: "005-x" and "012-x"
        # would collide, so the file name starts with a letter.
        target = work / f"article-{folder.name}.md"
        target.write_text(article_markdown(folder.name, text), encoding="utf-8")
        sources.append(target.name)
    common = [pandoc_path(), "--from=markdown", "--file-scope", "--toc",
              "--metadata-file=metadata.yaml", f"--resource-path=.:{issue_dir / 'articles'}"]
    outputs = [out / f"{issue_id}.{suffix}" for suffix in ("epub", "html", "pdf")]
    return PandocJobs(
        cwd=work,
        epub=[*common, "--to=epub3", "-o", str(outputs[0]), *sources],
        html=[*common, "--to=html5", "--standalone", "-o", str(outputs[1]), *sources],
        pdf=[*common, "--to=html5", "--pdf-engine=weasyprint", "-o", str(outputs[2]),
             *sources],
        outputs=outputs,
    )
