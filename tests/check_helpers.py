"""Helpers for the loading and checking tests: small zine trees written into tmp_path."""

from __future__ import annotations

from pathlib import Path

ZINE_YAML = ('title: "Test Zine"\npublisher: "Test collective"\nurl: https://zine.test/\n'
             "language: en\nlicense: CC-BY-SA-4.0\n")
COOPS_YAML = 'it-kollektiv:\n  name: "IT-Kollektiv"\n  country: DE\n'
ISSUE_YAML = 'number: 1\ntitle: "Base"\ndate: 2020-01-01\nlanguage: en\n'
FRONT = 'title: "Hello"\nauthors:\n  - name: "Jo Example"\n    coop: it-kollektiv\n'


def article(front: str = FRONT, body: str = "Some text.\n") -> str:
    return f"---\n{front}---\n\n{body}"


def write_tree(root: Path, files: dict[str, str | bytes], *, base: bool = True) -> Path:
    """``root`` with zine.yaml, coops.yaml and issue 01-base (unless ``base`` is False), then
    ``files`` (relative path -> text or bytes) written over them."""
    everything: dict[str, str | bytes] = {}
    if base:
        everything = {"zine.yaml": ZINE_YAML, "coops.yaml": COOPS_YAML,
                      "issues/01-base/issue.yaml": ISSUE_YAML}
    everything.update(files)
    for relative, content in everything.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root
