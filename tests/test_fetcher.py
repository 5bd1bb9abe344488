"""The resource fetcher: the one place that decides what a renderer may load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.render_helpers import make_article, make_issue, make_zine, png_bytes, write_png
from zine.model.rendered import MediaItem
from zine.render.issue import render_issue
from zine.safety.fetcher import (
    BASE_URL,
    MAX_RESOURCE_BYTES,
    STYLES_DIR,
    ResourceDenied,
    RestrictedFetcher,
    read_style_resource,
)

MEDIA = MediaItem("media/0123456789abcdef.png", "image/png", png_bytes(), 40, 30)


@pytest.fixture
def fetcher(tmp_path: Path) -> RestrictedFetcher:
    article_dir = tmp_path / "articles" / "one"
    article_dir.mkdir(parents=True)
    (article_dir / "ok.png").write_bytes(png_bytes())
    return RestrictedFetcher({MEDIA.name: MEDIA}, [article_dir])


def refused(fetcher: RestrictedFetcher, url: str) -> str:
    with pytest.raises(ResourceDenied) as caught:
        fetcher.fetch(url)
    assert fetcher.denied[-1] == (url, caught.value.reason)
    return caught.value.reason


# -- served ----------------------------------------------------------------------------------

def test_serves_generated_media_from_the_map(fetcher: RestrictedFetcher) -> None:
    response = fetcher.fetch(BASE_URL + MEDIA.name)
    assert response.read() == MEDIA.data
    assert response.content_type == "image/png"
    assert fetcher.denied == []


def test_serves_styles_and_fonts(fetcher: RestrictedFetcher) -> None:
    css = fetcher.fetch(BASE_URL + "styles/base.css")
    assert css.content_type == "text/css" and b"@import" in css.read()
    font = fetcher.fetch(BASE_URL + "styles/fonts/NotoSerif-Regular.ttf")
    assert font.content_type == "font/ttf" and font.read()[:4] == b"\x00\x01\x00\x00"


def test_serves_regular_files_inside_an_allowed_root(fetcher: RestrictedFetcher) -> None:
    path = fetcher.roots[1] / "ok.png"
    assert fetcher.fetch(path.as_uri()).read() == path.read_bytes()


def test_serves_data_urls_of_raster_images(fetcher: RestrictedFetcher) -> None:
    import base64

    url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    assert fetcher.fetch(url).read() == png_bytes()


def test_read_style_resource_reads_every_shared_file() -> None:
    fonts = [f"fonts/{p.name}" for p in (STYLES_DIR / "fonts").iterdir()
             if p.suffix in (".ttf", ".otf")]
    names = ["base.css", "fonts.css", "code.css", "code-dark.css", "screen.css", *fonts]
    assert len(fonts) >= 6
    for name in names:
        assert read_style_resource(name) == (STYLES_DIR / name).read_bytes()


def test_styles_dir_is_the_repository_styles_folder() -> None:
    assert Path(__file__).resolve().parents[1] / "styles" == STYLES_DIR


# -- refused ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "/etc/passwd",
    BASE_URL + "etc/passwd",
    BASE_URL + "styles/../../../../etc/passwd",
    BASE_URL + "styles/%2e%2e/%2e%2e/etc/passwd",
    BASE_URL + "styles/%252e%252e/zine/fetcher.py",
    BASE_URL + "styles/..%2f..%2fetc/passwd",
    BASE_URL + "media/../styles/base.css",
    BASE_URL + "media/unknown.png",
    "http://127.0.0.1/",
    "https://example.org/font.ttf",
    "ftp://example.org/x",
    "file:///proc/self/environ",
    "file:///dev/zero",
    "file://remotehost/etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg/>",
    "javascript:alert(1)",
])
def test_refuses_everything_else(fetcher: RestrictedFetcher, url: str) -> None:
    refused(fetcher, url)


def test_refuses_dotdot_out_of_an_allowed_root(fetcher: RestrictedFetcher) -> None:
    root = fetcher.roots[1]
    (root.parent / "secret.png").write_bytes(png_bytes())
    assert "'..'" in refused(fetcher, f"file://{root}/../secret.png")


def test_refuses_symlinks_that_escape(fetcher: RestrictedFetcher, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    link = fetcher.roots[1] / "innocent.png"
    link.symlink_to(secret)
    assert "outside" in refused(fetcher, link.as_uri())
    (fetcher.roots[1] / "passwd.css").symlink_to("/etc/passwd")
    refused(fetcher, (fetcher.roots[1] / "passwd.css").as_uri())


def test_refuses_symlinks_in_styles_that_escape(tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "evil.css").symlink_to("/etc/passwd")
    with pytest.raises(ResourceDenied):
        read_style_resource("evil.css", styles)
    with pytest.raises(ResourceDenied):
        read_style_resource("../zine.yaml", styles)
    fetcher = RestrictedFetcher({}, styles_dir=styles)
    refused(fetcher, BASE_URL + "styles/evil.css")


def test_refuses_fifos_devices_and_directories(fetcher: RestrictedFetcher) -> None:
    root = fetcher.roots[1]
    os.mkfifo(root / "pipe.png")
    assert "regular" in refused(fetcher, (root / "pipe.png").as_uri())  # and does not hang
    (root / "zero.png").symlink_to("/dev/zero")
    refused(fetcher, (root / "zero.png").as_uri())
    (root / "folder").mkdir()
    refused(fetcher, (root / "folder").as_uri())


def test_refuses_files_above_the_size_cap(fetcher: RestrictedFetcher) -> None:
    big = fetcher.roots[1] / "big.png"
    with big.open("wb") as handle:
        handle.truncate(MAX_RESOURCE_BYTES + 1)  # sparse: no real disk use
    assert "larger" in refused(fetcher, big.as_uri())


# -- with WeasyPrint ---------------------------------------------------------------------------

@pytest.mark.slow
def test_weasyprint_loads_only_what_the_fetcher_serves(tmp_path: Path) -> None:
    import pypdf
    from weasyprint import HTML

    write_png(tmp_path / "cat.png", (64, 48), "blue")
    article = make_article('![cat](cat.png "Cap")\n', tmp_path)
    rendered, _ = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    fetcher = RestrictedFetcher.for_issue(rendered)
    html = ('<html><head><link rel="stylesheet" href="styles/base.css"/>'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"/></head><body>'
            f'{rendered.fragments["art"].html}'
            '<img src="/etc/passwd" alt=""/><a rel="attachment" href="file:///etc/passwd">x</a>'
            '</body></html>')
    out = tmp_path / "out.pdf"
    HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(out)
    denied = {url for url, _ in fetcher.denied}
    assert {"http://127.0.0.1:9/x.css", BASE_URL + "etc/passwd", "file:///etc/passwd"} <= denied
    reader = pypdf.PdfReader(out)
    images = [image for page in reader.pages for image in page.images]
    assert [(i.image.width, i.image.height) for i in images] == [(64, 48)]
    assert not reader.attachments
    assert str(tmp_path) not in out.read_bytes().decode("latin-1")
