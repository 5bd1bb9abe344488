"""The tech-coops zine publishing pipeline: Markdown articles to EPUB 3, print PDF and a website.

Stages, one module each, in the order data flows:
``loader`` (files -> ``model``) -> ``checks`` (model -> diagnostics) -> ``render`` (model -> HTML
fragments) -> ``editions`` (epub | pdf | html). ``cli`` ties them together.
"""

__version__ = "0.1.0"
