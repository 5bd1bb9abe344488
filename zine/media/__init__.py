"""Media stage: untrusted image files -> clean, deterministic bytes (``images``), and an issue's
``cover.svg`` sanitised and drawn (``svg``). Used by the checks (can this image be used?), by
``zine import`` and by the render stage."""
