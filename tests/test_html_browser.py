"""The HTML edition in a real browser: an article page at 360 px wide in headless Chromium has no
horizontal overflow and every image loads.

The site itself has no JavaScript; the measurement runs in a test-only probe page (written next
to the build, never part of it) that frames the article at 360 px and writes what it measured
into its own DOM, which ``--dump-dom`` returns.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.html_helpers import chromium, chromium_available, handmade_issue, serve_folder
from zine.editions.html import render, render_site

WIDTH = 360

PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>probe</title></head>
<body style="margin:0">
<iframe id="page" src="{src}" style="width:{width}px;height:800px;border:0;display:block"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById("page").addEventListener("load", function () {{
  var doc = document.getElementById("page").contentDocument;
  var root = doc.documentElement;
  var wide = [];
  doc.querySelectorAll("body *").forEach(function (el) {{
    var box = el.getBoundingClientRect();
    if (box.right > {width} + 0.5 || box.left < -0.5) {{
      wide.push(el.tagName + "." + el.className + " " + Math.round(box.left) + ".." +
                Math.round(box.right));
    }}
  }});
  var images = Array.prototype.map.call(doc.images, function (img) {{
    return {{src: img.getAttribute("src"), complete: img.complete, width: img.naturalWidth}};
  }});
  document.getElementById("result").textContent = "RESULT" + JSON.stringify({{
    scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, images: images,
    wide: wide.slice(0, 20)}}) + "END";
}});
</script>
</body></html>
"""


def require_chromium() -> None:
    if chromium_available():
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("/usr/bin/chromium is required in CI (Debian package chromium)")
    pytest.skip("Chromium is not installed")


def measure(site: Path, page: str) -> dict[str, object]:
    """Layout facts of ``page`` (relative to ``site``) framed at 360 px in Chromium."""
    probe = site / "probe-360.html"
    probe.write_text(PROBE.format(src=page, width=WIDTH), encoding="utf-8")
    with serve_folder(site) as base:
        dom = chromium(["--dump-dom", f"{base}probe-360.html"], width=WIDTH + 40)
    probe.unlink()
    found = re.search(r"RESULT(.*?)END", dom, re.S)
    assert found, f"the probe page did not report (Chromium output: {dom[:300]!r})"
    result: dict[str, object] = json.loads(found.group(1).replace("&quot;", '"'))
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "build"
    rendered = handmade_issue()
    render(rendered, out)
    render_site(rendered.zine, [rendered], out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("page", ["01-handmade/tools.html", "01-handmade/index.html"])
def test_page_at_360px_has_no_horizontal_overflow_and_all_images_load(site: Path,
                                                                       page: str) -> None:
    require_chromium()
    result = measure(site, page)
    assert result["scrollWidth"] <= WIDTH, f"page overflows: {result}"  # type: ignore[operator]
    images = result["images"]
    assert isinstance(images, list) and images, "expected the figure or the cover"
    broken = [img for img in images if not img["complete"] or img["width"] <= 0]
    assert not broken, f"images did not load: {broken}"


@pytest.mark.slow
def test_article_screenshot_at_360px_is_written(site: Path, tmp_path: Path) -> None:
    """A screenshot for people to look at (kept under the test's tmp folder)."""
    require_chromium()
    shot = tmp_path / "tools-360.png"
    with serve_folder(site) as base:
        chromium([f"--screenshot={shot}", f"{base}01-handmade/tools.html"], width=WIDTH,
                 height=2400)
    assert shot.is_file() and shot.stat().st_size > 10_000
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width == WIDTH
