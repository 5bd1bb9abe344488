"""Property-based tests: whatever a contributor writes, `zine check` and `zine build` end with
exit 0 or 1 and a report, never an exception, and a build writes nothing outside ``--out``.

Runs the CLI in-process (``zine.cli.main``) on a scratch zine in a temporary folder; random
bytes, random front matter (schema keys and random ones, risky YAML fragments) and random
Markdown from a grammar of risky constructs go into one article file.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile_helpers import snapshot
from zine.cli import main
from zine.runtime.cache import CACHE_DIR, cache_home

ISSUE = "01-prop"
ARTICLE_KEYS = ["title", "subtitle", "authors", "language", "license", "summary", "tags",
                "draft", "coop", "name", "contents", "number", "date"]
YAML_FRAGMENTS = [
    "&a x", "*a", "!!python/object/apply:os.system ['true']", "<<: {a: 1}", "? [a, b]\n: c",
    "- - -", "{", "}", "'", '"', "\t", "no", "010", "1.10", "2024-02-30", "~", "null", ": :",
    "|\n  block", ">-\n  folded", "%YAML 1.1", "---", "...", "\u202e", "\ufeff", "\x00", "#",
    "[" * 30, "a: &b [*b]", "!<tag:yaml.org,2002:str> x", "=", "@", "`",
]
MARKDOWN_PIECES = [
    "[", "]", "(", ")", "![", "](", "![x](pic.png)", "![](a b.png)", "[a](javascript:x)",
    "[a](&#106;avascript:x)", "[a](file:///etc/passwd)", "![x](../../zine.yaml)",
    "![x](%2e%2e/%2e%2e/zine.yaml)", "![x](http://127.0.0.1:9/x.png)", "<script>x</script>",
    "<img src=x onerror=y>", "<base href=/>", "{rel=attachment}", "{#id .class}", "> ",
    ">>>>>>>>", "- ", "  - ", "1. ", "* ", "| a | b |\n|---|---|\n| c | d |", "|", "---",
    "```", "~~~", "    code", "[^1]", "[^1]: note", "[^]", "# ", "###### ", "\n", "\n\n",
    "\r\n", "\t", "*", "**", "_", "~~", "\\", "`", "&amp;", "&#0;", "&#x202e;", "\u202e",
    "\u200b", "\x00", "\x0c", "\ufeff", "<", ">", "<!--", "-->", "<?php ?>", "<![CDATA[",
    "[link]: http://x.test/ 'title'", "[link]", "<http://x.test/>", "<jo@example.org>",
    "\u0645\u0631\u062d\u0628\u0627", "\u65e5\u672c\u8a9e", "\U0001f469\u200d\U0001f4bb",
    "words and more words", "{{ 7*7 }}", "{% if %}", "$x$", ":::", "@", "%",
]

FRONT_KEYS = st.one_of(st.sampled_from(ARTICLE_KEYS), st.text(max_size=12))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=40), st.dates(), st.sampled_from(YAML_FRAGMENTS))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(FRONT_KEYS, inner, max_size=4)), max_leaves=12)
MARKDOWN = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=20)),
                    max_size=60).map("".join)
GOOD_FRONT = '---\ntitle: "Prop"\nauthors:\n  - name: "Jo"\n    coop: it-kollektiv\n---\n\n'

FAST = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def zine_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prop") / "zine"
    zine_root_at(root)
    return root


def article_path(root: Path) -> Path:
    return root / "issues" / ISSUE / "articles" / "a.md"


@contextlib.contextmanager
def quiet() -> Iterator[io.StringIO]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        yield err


def check_bytes(root: Path, data: bytes) -> None:
    """Write ``data`` as the article, run `zine check` on the issue and on the file."""
    path = article_path(root)
    path.write_bytes(data)
    for target in (root / "issues" / ISSUE, path):
        with quiet() as err:
            code = main(["--root", str(root), "check", str(target)])
        assert code in (0, 1), f"exit {code}: {err.getvalue()[-2000:]}"
        assert "Traceback" not in err.getvalue()
        assert err.getvalue() or code == 0, "exit 1 without a word"


@FAST
@given(data=st.one_of(st.binary(max_size=3000),
                      st.binary(max_size=2000).map(lambda b: b"---\n" + b),
                      st.binary(max_size=2000).map(lambda b: GOOD_FRONT.encode() + b)))
def test_random_bytes_as_an_article_give_a_report_not_an_exception(
        zine_root: Path, data: bytes) -> None:
    check_bytes(zine_root, data)


def dump_front(mapping: dict[object, object]) -> str:
    try:
        return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return repr(mapping)


@pytest.mark.slow
@FAST
@given(front=st.dictionaries(FRONT_KEYS, VALUES, max_size=8),
       raw=st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=4),
       body=st.text(max_size=200))
def test_random_front_matter_gives_a_report_not_an_exception(
        zine_root: Path, front: dict[object, object], raw: list[str], body: str) -> None:
    text = "---\n" + dump_front(front) + "\n".join(f"k{i}: {v}" for i, v in enumerate(raw))
    check_bytes(zine_root, (text + "\n---\n\n" + body).encode("utf-8", "surrogatepass"))


@pytest.mark.slow
@settings(FAST, max_examples=150)
@given(body=MARKDOWN)
def test_random_risky_markdown_gives_a_report_not_an_exception(
        zine_root: Path, body: str) -> None:
    check_bytes(zine_root, (GOOD_FRONT + body + "\n").encode("utf-8", "surrogatepass"))


@pytest.mark.slow
@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=MARKDOWN)
def test_building_random_markdown_writes_only_inside_out(
        tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    base = tmp_path_factory.mktemp("propbuild")
    root, out = base / "zine", base / "out"
    zine_root_at(root)
    article_path(root).write_text(GOOD_FRONT + body + "\n", encoding="utf-8",
                                  errors="surrogatepass")
    caches = base / CACHE_DIR  # the build cache beside --out: .cache/<out>-<key>/ only
    before = snapshot(base, skip=(out, caches))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with quiet() as err:
            code = main(["build", "--format", "epub,html", "--out", str(out)])
    finally:
        os.chdir(cwd)
    assert code in (0, 1), f"exit {code}: {err.getvalue()[-2000:]}"
    assert "Traceback" not in err.getvalue()
    assert snapshot(base, skip=(out, caches)) == before, "zine build wrote outside --out"
    made = [p.name for p in caches.iterdir()] if caches.exists() else []
    assert made in ([], [cache_home(out).name])
    if code == 0:
        assert (out / ISSUE / f"{ISSUE}.epub").is_file()


def zine_root_at(root: Path) -> None:
    articles = root / "issues" / ISSUE / "articles"
    articles.mkdir(parents=True)
    (root / "zine.yaml").write_text('title: "Prop Zine"\npublisher: "P"\n'
                                    "url: https://zine.test/\nlanguage: en\n"
                                    "license: CC-BY-SA-4.0\n", encoding="utf-8")
    (root / "coops.yaml").write_text('it-kollektiv:\n  name: "IT-Kollektiv"\n  country: DE\n',
                                     encoding="utf-8")
    (root / "issues" / ISSUE / "issue.yaml").write_text(
        'number: 1\ntitle: "Prop"\ndate: 2020-01-01\nlanguage: en\n', encoding="utf-8")
