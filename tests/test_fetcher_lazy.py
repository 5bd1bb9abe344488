"""The fetcher's rules load without WeasyPrint; WeasyPrint gets a real ``URLFetcher``.

Importing WeasyPrint costs about 0.4 s, so ``zine check`` and the EPUB edition must not import
it (the HTML edition does, for its link-preview cards, which are drawn with the PDF's engine so
that every script is shaped right); the PDF edition imports ``BASE_URL`` and
``RestrictedFetcher`` from ``zine.safety.fetcher`` as before and gets an instance WeasyPrint
accepts. """

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from tests.render_helpers import png_bytes
from zine.model.rendered import MediaItem
from zine.safety.fetcher import BASE_URL, ResourceDenied, RestrictedFetcher

NO_WEASYPRINT = "import sys; assert 'weasyprint' not in sys.modules, sorted(sys.modules)"


def run_python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_importing_the_fetcher_and_the_editions_does_not_import_weasyprint() -> None:
    done = run_python("import zine.safety.fetcher, zine.editions.epub, zine.editions.html, "
                      "zine.editions.pdf\n"
                      "from zine.editions import registry; registry()\n"
                      "from zine.safety.fetcher import BASE_URL, RestrictedFetcher\n" +
                      NO_WEASYPRINT)
    assert done.returncode == 0, done.stderr


def test_an_epub_build_does_not_import_weasyprint(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "zine", {
        "issues/01-base/articles/01-hello.md": article(body="Hello ![a cat](cat.png)\n")})
    (root / "issues/01-base/articles/cat.png").write_bytes(png_bytes())
    done = run_python("from zine.cli import main\n"
                      "status = main(['build', '--format', 'epub', '--out', 'out'])\n"
                      "assert status == 0, status\n" + NO_WEASYPRINT, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "out/01-base/01-base.epub").is_file()


def test_a_restricted_fetcher_is_a_weasyprint_url_fetcher() -> None:
    from weasyprint.urls import URLFetcher

    item = MediaItem("media/0123456789abcdef.png", "image/png", png_bytes(), 40, 30)
    fetcher = RestrictedFetcher({item.name: item})
    assert isinstance(fetcher, URLFetcher) and isinstance(fetcher, RestrictedFetcher)
    assert type(fetcher) is type(RestrictedFetcher({}))  # one class, made once
    response = fetcher.fetch(BASE_URL + item.name)
    assert response.headers["Content-Type"] == "image/png"
    for url in ("https://example.org/x.png", "file:///etc/passwd", BASE_URL + "../x"):
        with pytest.raises(ResourceDenied):
            fetcher.fetch(url)
    assert [url for url, _ in fetcher.denied] == ["https://example.org/x.png",
                                                  "file:///etc/passwd", BASE_URL + "../x"]


def test_a_subclass_keeps_its_own_methods() -> None:
    from weasyprint.urls import URLFetcher

    class Counting(RestrictedFetcher):
        calls = 0

        def fetch(self, url: str, headers: object = None) -> object:
            Counting.calls += 1
            return super().fetch(url, headers)

    fetcher = Counting({})
    assert isinstance(fetcher, Counting) and isinstance(fetcher, URLFetcher)
    with pytest.raises(ResourceDenied):
        fetcher.fetch("http://example.org/")
    assert Counting.calls == 1 and fetcher.denied


def test_weasyprint_renders_through_the_lazily_made_fetcher() -> None:
    from weasyprint import HTML

    item = MediaItem("media/0123456789abcdef.png", "image/png", png_bytes(), 40, 30)
    fetcher = RestrictedFetcher({item.name: item})
    html = f'<img src="{item.name}"><img src="file:///etc/hostname">'
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert [url for url, _ in fetcher.denied] == ["file:///etc/hostname"]
