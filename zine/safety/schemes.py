"""Which link schemes a published edition may carry: the one list every stage reads.

``zine.render.fragment`` turns a link whose scheme is not in ``SAFE_SCHEMES`` into plain text;
``zine.check.body`` reports every link in ``UNSAFE_SCHEMES`` (script or local-file links) as an
error and any other unknown scheme as a warning, so nothing a contributor wrote is dropped
silently.
"""

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "xmpp", "irc", "ircs", "gemini",
                          "matrix", "geo"})
UNSAFE_SCHEMES = ("javascript", "vbscript", "data", "file")
