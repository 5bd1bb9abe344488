"""Markdown stage, parser set-up: GFM autolinks (``www.x.org``, ``https://...``, e-mail).

Used by ``zine.load.markdown.make_parser`` only; touches nothing but the parser it is given.
mdit-py-plugins' ``gfm_autolink`` implements GFM's autolink rules; one core rule here mends
its one gap seen on the GFM spec examples (an ``_`` in an e-mail address).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

Matcher = Callable[[str], "tuple[str, int] | None"]
try:  # the plugin's own matchers, so that both rules end a link at the same place
    from mdit_py_plugins.gfm_autolink import _match

    MATCHERS: tuple[Matcher, Matcher] | None = (_match.match_http, _match.match_email)
except (ImportError, AttributeError):  # pragma: no cover - moved in a later mdit-py-plugins
    MATCHERS = None  # then only the plugin's (GFM spec) rule

# An address right after punctuation the GFM spec's rule does not allow before an autolink
# ("https://x.org", [https://x.org], 'a@b.org'): GitHub (cmark-gfm) links it all the same.
_AFTER_PUNCTUATION = re.compile(r"(?<=[^\sA-Za-z0-9*_~(])(?:https?://|[A-Za-z0-9.+_-]+@)")


def use_autolinks(md: MarkdownIt) -> None:
    """GFM autolinks: www., http(s)://, mailto:, xmpp: and bare e-mail addresses."""
    md.use(gfm_autolink_plugin)
    if MATCHERS is not None:
        md.core.ruler.after("inline", "autolink_after_punctuation", _after_punctuation)
    md.core.ruler.after("text_join", "email_local_part", _email_local_part)


def _after_punctuation(state: StateCore) -> None:
    """Link the addresses the plugin left in text because of the character before them.

    Runs before the typographer, on the text as written; links are made as the plugin makes
    them (``info="auto"``), so the typographer and the checks treat them alike.
    """
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        result: list[Token] = []
        depth = 0
        for child in block.children:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type != "text" or depth or not _AFTER_PUNCTUATION.search(child.content):
                result.append(child)
                continue
            result += _split(state, child)
        block.children = result


def _split(state: StateCore, token: Token) -> list[Token]:
    """``token`` as text and autolink tokens."""
    parts: list[Token] = []
    text, start = token.content, 0
    for match in _AFTER_PUNCTUATION.finditer(text):
        if match.start() < start:
            continue
        assert MATCHERS is not None  # the rule is only added with them
        match_http, match_email = MATCHERS
        found = (match_http if match[0].startswith("http") else match_email)(
            text[match.start():])
        if found is None:
            continue
        url, length = found
        href = state.md.normalizeLink(url if url.startswith(("http", "mailto:")) else
                                      f"mailto:{url}")
        if not state.md.validateLink(href):
            continue
        parts += [_text(text[start:match.start()], token)]
        link = Token("link_open", "a", 1, attrs={"href": href}, markup="autolink", info="auto")
        label = _text(state.md.normalizeLinkText(text[match.start():match.start() + length]),
                      token)
        parts += [link, label, Token("link_close", "a", -1, markup="autolink", info="auto")]
        start = match.start() + length
    return [part for part in [*parts, _text(text[start:], token)]
            if part.type != "text" or part.content]


def _text(content: str, like: Token) -> Token:
    return Token("text", "", 0, content=content, level=like.level)


_LOCAL_PART = re.compile(r"(?<![A-Za-z0-9.+_-])[A-Za-z0-9.+_-]+$")


def _email_local_part(state: StateCore) -> None:
    """Give a bare e-mail autolink back the start of its local part.

    The autolink rule reads the local part back from the pending text, but ``_`` is an
    emphasis delimiter and ends that text, so ``a_b@c.org`` linked only ``b@c.org`` (GFM spec
    example 632). The letters before the link, up to the first character that cannot be in a
    local part, move into it.
    """
    for block in state.tokens:
        children = block.children or []
        for index in range(1, len(children) - 1):
            link, before = children[index], children[index - 1]
            href = str(link.attrGet("href") or "")
            if (link.type != "link_open" or link.info != "auto" or before.type != "text"
                    or not href.startswith("mailto:") or children[index + 1].type != "text"):
                continue
            text = children[index + 1]
            if not href.endswith(text.content):  # "mailto:x@y.org" written out: not bare
                continue
            match = _LOCAL_PART.search(before.content)
            if match and match[0].strip("._+-") and "@" not in match[0]:
                before.content = before.content[:match.start()]
                text.content = match[0] + text.content
                link.attrSet("href", f"mailto:{text.content}")
