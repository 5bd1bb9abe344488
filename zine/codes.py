"""The catalogue of diagnostic codes: every code, its severity and its message, in one list.

Z0xx files, encodings and YAML; Z1xx schema (keys, types, values); Z2xx references between
files (coops, contents, slugs, issue numbers); Z3xx Markdown bodies; Z4xx images and other
resources; Z5xx rendering and editions. Keep codes stable: tests and users refer to them.
Each code has one golden test in tests/.
"""

from __future__ import annotations

from zine.diagnostics import Severity, register

E = Severity.ERROR
W = Severity.WARNING

# -- Z5xx: rendering and editions ---------------------------------------------------------
RENDER_FAILED = register("Z501", E, "could not render this article: {reason}")
RESOURCE_DENIED = register("Z502", E, "resource refused by the build: {url} ({reason})")
RENDERER_LOGGED = register("Z503", E, "the {edition} renderer reported: {message}")
IMAGE_PROCESSING = register("Z504", E, "image {src} could not be processed: {reason}")
