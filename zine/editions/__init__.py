"""Editions stage: one renderer per edition over the same ``RenderedIssue``, and the registry.

Each edition module exposes ``render(rendered: RenderedIssue, out_dir: Path, **options) ->
list[Path]``, writing only through ``zine.safety.writer`` into ``out_dir/<issue-id>/`` and loading
resources only through ``zine.safety.fetcher``. ``EDITIONS`` is the one list of editions: the CLI's
``--format`` choices and help, the build's order and the README's list are read from it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# render(rendered, out_dir, **options) -> written paths; the options an edition takes are in
# its record (``Edition.options``); ``use_cache`` is given by the build to editions whose
# record says ``cached``, ``made`` (what the editions it ``needs`` wrote) to those that need.
Renderer = Callable[..., list[Path]]
SiteStep = Callable[..., list[Path]]


@dataclass(frozen=True)
class Option:
    """A yes/no option of one edition: ``--<name with dashes>`` on the command line, passed
    to the edition's renderer as the keyword argument ``name``."""

    name: str
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class Edition:
    """One edition: its name, where it is made, what it needs first and what it takes."""

    name: str
    module: str
    summary: str  # what a reader gets, for ``--help`` and the README
    default: bool = True  # built when ``--format`` is not given
    needs: tuple[str, ...] = ()  # editions made in the same worker first, whose files it uses
    last: bool = False  # made once the other editions of the issue are written (links them)
    cached: bool = False  # keeps work in the build cache (``use_cache``)
    options: tuple[Option, ...] = ()  # what its renderer takes besides the above
    cost: int = 0  # how slow it is, for handing out parallel work: slowest first
    # libraries the build imports in a thread while it loads and renders (they are slow to
    # import and the processes that make the edition are forked from the build's), when it
    # has no standby (one CPU)
    warm: tuple[str, ...] = ()
    # a module whose ``get_ready(root)`` runs in a process forked when a build starts, which
    # then makes this edition (``zine.editions.standby``): it gets ready while the build
    # loads and renders, and ``get_ready_for(languages)`` once the languages are known
    standby: str = ""
    site: str = ""  # "module:function" run once after every issue is written (site-wide pages)
    # the ``site`` step's early start, "module:function": called as ``ahead(out_dir, files)``
    # once every issue's ``prepare`` ran, with their files as they would be if the downloads
    # kept the sizes they have now (``as_now()``), while the other editions are still being
    # written; what it returns (or None) goes to the site step as ``ahead=``, and its
    # ``close()`` is called when the build ends
    site_ahead: str = ""
    # a ``last`` edition's "module:function" that makes its files while the others are being
    # written: called as ``prepare(rendered, out_dir, coming=<their names>, **options)``, it
    # returns what writes them (the same files as ``render`` then), called once they are
    prepare: str = ""
    # programs it runs, with the Debian package that has each: checked before a build writes
    # anything (``tools/system-deps build`` installs them)
    programs: tuple[tuple[str, str], ...] = ()


EDITIONS: tuple[Edition, ...] = (
    Edition("epub", "zine.editions.epub", "EPUB 3 for e-readers", cached=True,
            cost=1),  # its compressed members
    Edition("pdf", "zine.editions.pdf", "A5 print PDF and one offprint per article",
            cached=True, cost=3, warm=("weasyprint", "weasyprint.text.fonts"),
            standby="zine.editions.pdf.typeset"),
    Edition("html", "zine.editions.html", "the website", last=True,
            cached=True,  # its link-preview cards
            site="zine.editions.html.site:render_site",
            site_ahead="zine.editions.html.search:index_ahead",
            prepare="zine.editions.html:prepare",
            programs=(("pdftoppm", "poppler-utils"),)),  # draws the link-preview cards
    Edition("booklet", "zine.editions.booklet", "A4 sheets imposed for saddle stitching",
            default=False, needs=("pdf",), cached=True, cost=2,
            options=(Option("crop_marks", "booklet: draw crop marks around each A5 page"),)),
)
BY_NAME: Mapping[str, Edition] = {edition.name: edition for edition in EDITIONS}
NAMES = tuple(edition.name for edition in EDITIONS)
DEFAULT_NAMES = tuple(edition.name for edition in EDITIONS if edition.default)


def registry() -> dict[str, Renderer]:
    """Edition name -> renderer. Each edition's module is imported when it is first called,
    so ``zine check`` never loads WeasyPrint and an EPUB build never loads pypdf."""
    return {edition.name: _lazy(edition.module, edition.prepare) for edition in EDITIONS}


def site_steps(formats: Sequence[str]) -> list[tuple[str, SiteStep]]:
    """The site-wide steps of the editions in ``formats`` (``Edition.site``) by edition name,
    each called once with ``(zine, rendered_issues, out_dir)`` after every issue of a build
    was written (and ``ahead=`` what its ``site_ahead`` returned, if it did)."""
    return [(edition.name, _function(edition.site)) for edition in EDITIONS
            if edition.site and edition.name in formats]


def site_ahead(name: str) -> Callable[..., object] | None:
    """The early start of edition ``name``'s site step (``Edition.site_ahead``), if any."""
    edition = BY_NAME.get(name)
    return _function(edition.site_ahead) if edition is not None and edition.site_ahead else None


def _function(where: str) -> Callable[..., list[Path]]:
    module, _, function = where.partition(":")
    found: Callable[..., list[Path]] = getattr(importlib.import_module(module), function)
    return found


def preparer(renderer: Renderer | None) -> Callable[..., Callable[[], list[Path]]] | None:
    """The ``prepare`` function that belongs to ``renderer`` (one of ``registry()``: its
    edition's ``Edition.prepare``), if it has one. It is looked up on the renderer, not by
    edition name, so a renderer put in the registry instead of an edition's own (a test's)
    is never paired with the other's preparation."""
    found: Callable[..., Callable[[], list[Path]]] | None = getattr(renderer, "prepare", None)
    return found


def _lazy(module: str, prepare: str = "") -> Renderer:
    def render(*args: object, **kwargs: object) -> list[Path]:
        renderer: Renderer = importlib.import_module(module).render
        return renderer(*args, **kwargs)

    if prepare:
        prepare_module, _, function = prepare.partition(":")

        def prepared(*args: object, **kwargs: object) -> Callable[[], list[Path]]:
            made: Callable[[], list[Path]] = getattr(importlib.import_module(prepare_module),
                                                     function)(*args, **kwargs)
            return made

        render.prepare = prepared  # type: ignore[attr-defined]
    return render


def markdown_table() -> str:
    """The editions as the README lists them (a test keeps the README's copy equal)."""
    rows = ["| `--format` | what you get | default | made after | options |",
            "|---|---|---|---|---|"]
    for edition in EDITIONS:
        after = ", ".join(edition.needs) or ("the others (links them)" if edition.last else "")
        options = ", ".join(f"`{option.flag}`" for option in edition.options)
        rows.append(f"| `{edition.name}` | {edition.summary} | "
                    f"{'yes' if edition.default else 'no'} | {after} | {options} |")
    return "\n".join(rows) + "\n"
