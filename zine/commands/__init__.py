"""One module per command besides ``zine build``'s orchestration (``zine.build``): ``new``,
``serve``, ``stats``, ``importdoc`` (``zine import``), and ``progress`` (what a long build
shows)."""
