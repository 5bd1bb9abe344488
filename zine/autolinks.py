"""Markdown stage, parser set-up: GFM autolinks (``www.x.org``, ``https://...``, e-mail).

Used by ``zine.markdown.make_parser`` only; touches nothing but the parser it is given.
mdit-py-plugins' ``gfm_autolink`` implements GFM's autolink rules; one core rule here mends
its one gap seen on the GFM spec examples (an ``_`` in an e-mail address).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin


def use_autolinks(md: MarkdownIt) -> None:
    """GFM autolinks: www., http(s)://, mailto:, xmpp: and bare e-mail addresses."""
    md.use(gfm_autolink_plugin)
    md.core.ruler.after("text_join", "email_local_part", _email_local_part)


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
