"""The benchmark corpus (``bench.corpus``) is deterministic and ``zine check`` accepts it.

The benchmark compares ``zine build`` with Pandoc on this corpus (issue 5), so the corpus must
be the same bytes on every machine, have the shape the issue asks for (1,500-3,000 words,
``##``/``###`` headings, lists, footnotes, a table, code, 1-2 images of 800-1600 px, several
languages) and be content the pipeline accepts without a single diagnostic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bench.corpus import MARKER, generate_corpus
from zine.check.run import check_project
from zine.cli import main
from zine.load.loader import load_project
from zine.model import Article

ARTICLES = 3
BLOCKS = {"table_open", "fence", "bullet_list_open", "ordered_list_open", "blockquote_open"}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "corpus"
    generate_corpus(root, ARTICLES, seed=1)
    return root


@pytest.fixture(scope="module")
def articles(corpus: Path) -> tuple[Article, ...]:
    zine, diags = load_project(corpus)
    assert [d.format() for d in diags] == []
    (issue,) = zine.issues
    assert issue.id == f"bench-{ARTICLES}"
    return issue.published


def test_same_seed_gives_byte_identical_corpus(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_corpus(again, ARTICLES, seed=1)
    assert tree_bytes(again) == tree_bytes(corpus)


def test_larger_corpus_starts_with_the_same_articles(corpus: Path, tmp_path: Path) -> None:
    bigger = tmp_path / "bigger"
    generate_corpus(bigger, ARTICLES + 1, seed=1)
    small = corpus / "issues" / f"bench-{ARTICLES}" / "articles"
    large = bigger / "issues" / f"bench-{ARTICLES + 1}" / "articles"
    assert tree_bytes(small).items() <= tree_bytes(large).items()


def test_zine_check_finds_nothing(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_project([], root=corpus) == []
    assert main(["--root", str(corpus), "check", "--strict"]) == 0
    assert capsys.readouterr().err == ""


def test_articles_have_the_shape_of_issue_5(articles: tuple[Article, ...]) -> None:
    assert len(articles) == ARTICLES
    for article in articles:
        body = article.body
        assert 1500 <= body.words <= 3000, article.slug
        assert {h.level for h in body.headings} == {2, 3}, article.slug
        assert {token.type for token in body.tokens} >= BLOCKS, article.slug
        assert body.footnotes >= 1, article.slug
        assert article.path.name == "index.md" and article.folder.name == article.slug
        assert article.language in {"en", "de", "es", "fr"}


def test_images_are_real_png_and_jpeg_of_contributor_size(
        articles: tuple[Article, ...]) -> None:
    formats = set()
    for article in articles:
        assert 1 <= len(article.body.images) <= 2, article.slug
        for ref in article.body.images:
            assert ref.path is not None and ref.alt and ref.title
            with Image.open(ref.path) as image:
                image.load()
                formats.add(image.format)
                assert 800 <= image.width <= 1600, ref.src
    assert formats == {"PNG", "JPEG"}


def test_refuses_to_empty_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit):
        generate_corpus(tmp_path, 1)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / MARKER).exists()
