"""The tech-coops zine publishing pipeline: Markdown articles to EPUB 3, print PDF and a website.

One package per stage, in the order data flows (a module imports only from its own stage or
earlier ones; ``tests/test_import_graph.py`` holds the order):

``model``, ``text``, ``diagnostics`` (the data, text rules and the problem format) ->
``safety`` (what may be loaded and written) -> ``load`` (files -> model) -> ``media`` (untrusted
images -> clean bytes) -> ``check`` (model -> diagnostics) -> ``docimport`` (Word/LibreOffice ->
article) -> ``render`` (model -> HTML fragments) -> ``runtime`` (cache, workers, timestamp) ->
``editions`` (epub | pdf | html, one package each) -> ``build`` (what is built, where) ->
``commands`` -> ``cli``.
"""

__version__ = "0.1.0"
