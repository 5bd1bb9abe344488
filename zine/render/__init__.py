"""Render stage: an issue's parsed articles -> the HTML fragments and media every edition wraps.

``issue`` renders one issue (``render_issue``); ``fragment`` turns one article's tokens into HTML;
``cover`` draws a typographic cover; ``i18n`` holds the words printed around the articles."""
