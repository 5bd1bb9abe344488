"""Render stage, HTML: markdown-it tokens of one article -> an XHTML-compatible HTML5 fragment.

Used only by ``zine.render.issue``. It reads the article's token stream (never changes it) and the
processed media map; it reads no files. The output is valid inside an XHTML EPUB content
document and an HTML5 page: every id carries the article slug (a whole issue can share one
document), images point at generated media names only, a link to another article is
``<a class="xref" data-xref="<issue>/<slug>#<id>">`` with the HTML edition's href (the EPUB and
the PDF rewrite it: ``zine.model.rendered.Xref``), other unsafe links become plain text, code
is highlighted with Pygments CSS classes, footnotes use DPUB-ARIA roles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from zine.render.i18n import strings
from zine.safety.schemes import SAFE_SCHEMES
from zine.text.ids import heading_anchor
from zine.text.typography import LOOKS_LIKE_URL

if TYPE_CHECKING:
    from markdown_it.utils import OptionsDict

    from zine.model import Article
    from zine.model.rendered import BlobCache, MediaItem, Xref

CODE_FORMATTER = HtmlFormatter(nowrap=True)
_LANG_CLASS = re.compile(r"[^A-Za-z0-9_+#.-]")


def highlight_code(code: str, language: str, cache: BlobCache | None = None
                   ) -> tuple[str, str]:
    """(class-safe language name or "", highlighted HTML); unknown languages stay plain.
    ``cache``: blocks highlighted by an earlier build, by language and code (Pygments is a
    pure function of both: a rebuild after one edit lexes no block it lexed before; on the
    bench issue that was the largest part of rendering the 30 articles)."""
    if language and cache is not None:
        key = cache.key("highlight", language, code)
        found = cache.get(key)
        if found is not None:
            name, _, body = found.decode("utf-8").partition("\n")
            return name, body
        name, body = highlight_code(code, language)
        cache.put(key, f"{name}\n{body}".encode())
        return name, body
    if language:
        try:
            lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            name = _LANG_CLASS.sub("", language)[:40]
            return name, highlight(code, lexer, CODE_FORMATTER)
    return "", escapeHtml(code)


def _shows_a_url(tokens: Sequence[Token], idx: int) -> bool:
    """The link at ``idx`` has a URL as its only text (an autolink, for instance)."""
    parts = tokens[idx + 1:idx + 3]
    return len(parts) == 2 and parts[0].type == "text" and parts[1].type == "link_close" \
        and LOOKS_LIKE_URL.match(parts[0].content) is not None


class FragmentRenderer(RendererHTML):
    """markdown-it's HTML renderer with the zine's rules; one instance per article."""

    def __init__(self, article: Article, images: Mapping[str, MediaItem],
                 xrefs: Mapping[str, Xref] | None = None, issue_id: str = "",
                 highlighted: BlobCache | None = None) -> None:
        super().__init__()
        self.highlighted = highlighted  # code blocks highlighted by earlier builds
        self.slug = escapeHtml(article.slug)  # validated by checks; escaped all the same
        self.images = images
        self.xrefs = xrefs or {}  # href as written -> the other article it leads to
        self.issue_id = issue_id
        self.words = strings(article.language)
        self.anchors = {h.id: escapeHtml(heading_anchor(article.slug, h.id))
                        for h in article.body.headings}
        for number in range(1, article.body.footnotes + 1):  # "#fn1", "#fn-1" as checks allow
            for kind in ("fn", "fnref"):
                target = f"{kind}-{self.slug}-{number}"
                self.anchors.setdefault(f"{kind}{number}", target)
                self.anchors.setdefault(f"{kind}-{number}", target)
        self.figure_closes: set[int] = set()
        self.dropped_links: list[bool] = []
        self.in_figure = False
        self.task_box = ""  # a task list box waiting for its item's first paragraph

    # -- headings, paragraphs, figures -------------------------------------------------

    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: Any) -> str:
        token = tokens[idx]
        ident = str(token.attrGet("id") or "")
        anchor = self.anchors.get(ident) or escapeHtml(heading_anchor(self.slug, ident))
        return f'<{token.tag} id="{anchor}">'

    def paragraph_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: Any) -> str:
        if not tokens[idx].hidden and self._lone_captioned_image(tokens, idx):
            self.figure_closes.add(idx + 2)
            self.in_figure = True
            return '<figure class="figure">'
        box, self.task_box = self.task_box, ""
        return self.renderToken(tokens, idx, options, env) + box

    def paragraph_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                        env: Any) -> str:
        if idx in self.figure_closes:
            self.in_figure = False
            image = next(c for c in tokens[idx - 1].children or [] if c.type == "image")
            caption = escapeHtml(str(image.attrGet("title") or ""))
            return f"<figcaption>{caption}</figcaption></figure>\n"
        return self.renderToken(tokens, idx, options, env)

    def _lone_captioned_image(self, tokens: Sequence[Token], idx: int) -> bool:
        if idx + 2 >= len(tokens) or tokens[idx + 1].type != "inline":
            return False
        children = [c for c in tokens[idx + 1].children or []
                    if not (c.type in ("text", "softbreak") and not c.content.strip())]
        if len(children) != 1 or children[0].type != "image":
            return False
        image = children[0]
        return bool(image.attrGet("title")) and str(image.attrGet("src")) in self.images

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        item = self.images.get(str(token.attrGet("src") or ""))
        if item is None:  # unresolved or refused: checks reported it; keep the words
            return f'<span class="image-missing">{escapeHtml(alt)}</span>'
        title = str(token.attrGet("title") or "")
        title_attr = f' title="{escapeHtml(title)}"' if title and not self.in_figure else ""
        return (f'<img src="{item.name}" alt="{escapeHtml(alt)}" width="{item.width}" '
                f'height="{item.height}"{title_attr} />')

    # -- task lists -------------------------------------------------------------------------

    def list_item_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: Any) -> str:
        """``- [x] item``: a ☑ (☐ for ``[ ]``) that assistive technology reads as "done" or
        "not done", the same glyph in every edition; inside the item's first paragraph when
        the list is loose, as GFM puts its checkbox."""
        token = tokens[idx]
        result = self.renderToken(tokens, idx, options, env)
        if not token.meta or "checked" not in token.meta:
            return result
        done = bool(token.meta["checked"])
        label = escapeHtml(self.words["task_done" if done else "task_open"])
        box = (f'<span class="task-box" role="img" aria-label="{label}">'
               f'{"☑" if done else "☐"}</span> ')
        following = tokens[idx + 1] if idx + 1 < len(tokens) else None
        if following is not None and following.type == "paragraph_open" and not following.hidden:
            self.task_box = box
            return result
        return result + box

    # -- links ---------------------------------------------------------------------------

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                  env: Any) -> str:
        written = str(tokens[idx].attrGet("href") or "")
        title = str(tokens[idx].attrGet("title") or "")
        title_attr = f' title="{escapeHtml(title)}"' if title else ""
        xref = self.xrefs.get(written)
        if xref is not None:  # another article: the HTML page's href; editions rewrite it
            self.dropped_links.append(False)
            return (f'<a href="{escapeHtml(xref.page(self.issue_id))}" class="xref" '
                    f'data-xref="{escapeHtml(str(xref))}"{title_attr}>')
        href = self._safe_href(written)
        self.dropped_links.append(href is None)
        if href is None:
            return '<span class="link-text">'
        if _shows_a_url(tokens, idx):  # keeps its order in a right-to-left line (EPUB CSS
            title_attr += ' dir="ltr"'  # may not use unicode-bidi, so it is markup)
        return f'<a href="{escapeHtml(href)}"{title_attr}>'

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: Any) -> str:
        dropped = self.dropped_links.pop() if self.dropped_links else False
        return "</span>" if dropped else "</a>"

    def _safe_href(self, href: str) -> str | None:
        """The href to write, or None to keep only the link text."""
        if href.startswith("#"):  # markdown-it percent-encodes "#wächst"; ids are Unicode
            anchor = self.anchors.get(unquote(href[1:]))
            return f"#{anchor}" if anchor else None
        try:
            parts = urlsplit(href)
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme in SAFE_SCHEMES and (parts.netloc or scheme not in ("http", "https")):
            return href
        return None  # relative files, unsafe and unknown schemes: nothing to link to

    # -- code ----------------------------------------------------------------------------

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        info = unescapeAll(token.info).strip()
        language = info.split(maxsplit=1)[0] if info else ""
        return self._code(token.content, language)

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: Any) -> str:
        return self._code(tokens[idx].content, "")

    def _code(self, content: str, language: str) -> str:
        name, body = highlight_code(content, language, self.highlighted)
        code_class = f' class="language-{name}"' if name else ""
        return f'<pre class="code"><code{code_class}>{body}</code></pre>\n'

    # -- tables --------------------------------------------------------------------------

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: Any) -> str:
        return '<div class="table-wrap" tabindex="0">\n<table>\n'

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                    env: Any) -> str:
        return "</table>\n</div>\n"

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: Any) -> str:
        return self._cell("th", tokens[idx])

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: Any) -> str:
        return self._cell("td", tokens[idx])

    @staticmethod
    def _cell(tag: str, token: Token) -> str:
        """Column alignment as a class, not an inline style (strict CSPs block styles)."""
        match = re.search(r"text-align:(left|center|right)", str(token.attrGet("style") or ""))
        return f'<{tag} class="align-{match.group(1)}">' if match else f"<{tag}>"

    # -- footnotes -----------------------------------------------------------------------

    def _note_ids(self, meta: dict[str, Any]) -> tuple[int, str, str]:
        number = int(meta["id"]) + 1
        sub = int(meta.get("subId", 0) or 0)
        ref = f"fnref-{self.slug}-{number}" + (f"-{sub + 1}" if sub else "")
        return number, f"fn-{self.slug}-{number}", ref

    def footnote_ref(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: Any) -> str:
        number, note, ref = self._note_ids(tokens[idx].meta)
        return (f'<sup class="footnote-ref"><a href="#{note}" id="{ref}" '
                f'role="doc-noteref">{number}</a></sup>')

    def footnote_block_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                            env: Any) -> str:
        label = escapeHtml(self.words["notes"])
        return f'<section class="footnotes" role="doc-endnotes" aria-label="{label}">\n'

    def footnote_block_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                             env: Any) -> str:
        return "</section>\n"

    def footnote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                      env: Any) -> str:
        number, note, _ = self._note_ids(tokens[idx].meta)
        return (f'<aside id="{note}" class="footnote" role="doc-footnote">'
                f'<span class="footnote-number">{number}</span>\n')

    def footnote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: Any) -> str:
        return "</aside>\n"

    def footnote_anchor(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                        env: Any) -> str:
        meta = tokens[idx].meta
        number, _, ref = self._note_ids(meta)
        sub = int(meta.get("subId", 0) or 0)  # a note cited again: ↩², ↩³, as GitHub does
        shown = f"{number} ({sub + 1})" if sub else str(number)
        label = escapeHtml(self.words["footnote_back"].format(number=shown))
        count = f'<sup class="footnote-back-count">{sub + 1}</sup>' if sub else ""
        return (f' <a href="#{ref}" class="footnote-back" role="doc-backlink" '
                f'aria-label="{label}">↩{count}</a>')

    # -- raw HTML never passes (the parser has html: False; this is a second fence) -------

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: Any) -> str:
        return f"<p>{escapeHtml(tokens[idx].content)}</p>\n"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                    env: Any) -> str:
        return escapeHtml(tokens[idx].content)


def code_stylesheets(light: str = "a11y-high-contrast-light",
                     dark: str = "a11y-high-contrast-dark") -> dict[str, str]:
    """``styles/code.css`` and ``styles/code-dark.css``: Pygments colours for ``pre.code``.

    The styles come from ``accessible-pygments``: every token colour keeps WCAG AA contrast
    (4.5:1) on the real code backgrounds of ``styles/`` (tests/test_a11y_colours.py measures
    it). Generated, not hand-edited: a test checks the files match this output. ``base.css``
    imports the dark sheet for screens only (WeasyPrint warns about media features).
    Backgrounds and borders come from ``base.css`` (custom properties), not from Pygments.
    """

    def tokens(style: str, indent: str) -> str:
        rules = HtmlFormatter(style=style).get_token_style_defs("pre.code")
        return "\n".join(indent + rule for rule in rules if not rule.startswith("pre.code .err "))

    note = "generated by zine.render.fragment.code_stylesheets; do not edit by hand"
    return {
        "code.css": f"/* Code highlighting, Pygments style '{light}': {note}. */\n\n"
                    f"{tokens(light, '')}\n",
        "code-dark.css": f"/* Code highlighting, Pygments style '{dark}': {note}. */\n\n"
                         "@media (prefers-color-scheme: dark) {\n"
                         f"{tokens(dark, '  ')}\n}}\n",
    }
