"""Command support for ``zine init DIR``: a new zine root that checks and builds at once.

Called by ``zine.cli`` only. Writes, through ``zine.safety.writer`` and only inside ``DIR``
(which must be new or empty): zine.yaml, coops.yaml, a first issue with one article, a README
with the commands to run, a .gitignore and a GitHub Actions workflow that runs ``zine check
--strict`` and ``zine build``. It writes no styles/: the packaged defaults serve every edition
until the root adds a file of the same name. The text of the README and the workflow lives in
``zine/templates/init/``. A refusal is a ``UsageError`` (exit 2) saying why.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from zine import __version__
from zine.commands.new import (
    checked_language,
    clean_text,
    issue_date_option,
    make_slug,
    yaml_string,
)
from zine.errors import UsageError
from zine.safety.writer import write_text

ISSUE_TITLE = "The first issue"
ARTICLE_SLUG = "welcome"
COOP_ID = "our-coop"


def init_root(folder: Path, *, title: str | None = None, language: str = "en",
              url: str = "https://zine.example.org/", publisher: str | None = None) -> list[Path]:
    """Write a new zine root into ``folder`` (created if missing); returns the files written."""
    _check_empty(folder)
    name = clean_text(title or _title_of(folder), "--title")
    language = checked_language(language)
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"zine init: --url {url!r}: expected an http(s) address")
    issue_id = f"01-{make_slug(ISSUE_TITLE)}"
    values = {"TITLE": name, "ISSUE": issue_id, "COOP": COOP_ID, "VERSION": __version__}
    files = {
        "zine.yaml": _zine_yaml(name, clean_text(publisher or f"{name} editors",
                                                  "--publisher"), url, language),
        "coops.yaml": COOPS_YAML,
        f"issues/{issue_id}/issue.yaml": _issue_yaml(language),
        f"issues/{issue_id}/articles/{ARTICLE_SLUG}.md": ARTICLE.format(coop=COOP_ID),
        "README.md": _template("README.md", values),
        ".gitignore": _template("gitignore", values),
        ".github/workflows/zine.yml": _template("workflow.yml", values),
    }
    folder.mkdir(parents=True, exist_ok=True)
    return [write_text(folder, relative, text) for relative, text in files.items()]


def _check_empty(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"zine init: {folder} is not a folder")
    if folder.is_dir():
        entries = sorted(os.listdir(folder))
        if entries:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise UsageError(f"zine init: {folder} is not empty (it holds {shown}); give a "
                             "new or empty folder")


def _title_of(folder: Path) -> str:
    """``tech-coops-zine`` -> ``Tech Coops Zine``."""
    words = folder.resolve().name.replace("_", " ").replace("-", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "Zine"


def _template(name: str, values: dict[str, str]) -> str:
    text = resources.files("zine").joinpath("templates", "init", name).read_text("utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def _zine_yaml(title: str, publisher: str, url: str, language: str) -> str:
    return "\n".join([
        "# The publication: defaults for every issue.",
        f"title: {yaml_string(title)}",
        f"publisher: {yaml_string(publisher)}",
        "# The web address the website is published at: feeds, the OPDS catalog and link",
        "# previews use it.",
        f"url: {url if url.endswith('/') else url + '/'}",
        f"language: {language}",
        "license: CC-BY-SA-4.0",
        "",
    ])


def _issue_yaml(language: str) -> str:
    return "\n".join([
        "number: 1",
        f"title: {yaml_string(ISSUE_TITLE)}",
        f"date: {issue_date_option(None).isoformat()}",
        f"language: {language}",
        'description: "What this issue is about, in a sentence or two."',
        "editors:",
        f"  - name: {yaml_string('The editors')}",
        f"    coop: {COOP_ID}",
        "license: CC-BY-SA-4.0",
        "contents:",
        f"  - {ARTICLE_SLUG}",
        "",
    ])


COOPS_YAML = f"""\
# The cooperatives whose members write for the zine: id -> name, country (ISO 3166 alpha-2),
# url, description. Articles and editors name a coop by its id (`coop: {COOP_ID}`); each
# edition ends with the coops that signed one of its articles.

{COOP_ID}:
  name: "Our Coop"
  country: DE
  url: https://coop.example.org/
  description: >-
    A worker-owned technology cooperative. Replace this entry with your own, and add one for
    every cooperative that writes for the zine.
"""

ARTICLE = """\
---
title: "Welcome to the zine"
authors:
  - name: "The editors"
    coop: {coop}
summary: "What this zine is and how to write for it."
tags: [about]
---

This is the first article of the first issue. Each article is one Markdown file with a few
lines of front matter on top: its title, its authors and their cooperative.

## How to write an article

1. Make a file in the issue's `articles/` folder, or run `zine new article`.
2. Write in Markdown: *emphasis*, **strong**, lists, tables, footnotes[^1] and images with
   alt text.
3. Run `zine check` and fix what it reports.

[^1]: Footnotes become page notes in print and pop-up notes in the e-book.

## How the zine is made

`zine build` turns every issue into an EPUB, a print PDF and a website, all from the same
text.
"""
