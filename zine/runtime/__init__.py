"""Services a build's stages share: the content-hash ``cache`` beside the output folder, the
one fork helper (``workers``), and the one build timestamp (``timestamps``)."""
