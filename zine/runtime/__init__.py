"""Services a build's stages share: the content-hash ``cache`` beside the output folder (with
the load stage's parsed article bodies in it, ``bodycache``), what a build hands back and its
no-op shortcut (``lastbuild``), the one fork helper (``workers``), and the one build timestamp
(``timestamps``)."""
