"""Body checks: links are judged where they are links, not where they are shown as code."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from tests.test_check_images import check


def test_hostile_links_shown_as_code_are_just_code(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    body = ("Never write `[x](javascript:alert(1))` in an article.\n\n"
            "```markdown\n[y](data:text/html,hi)\n```\n\n    [z](vbscript:x)\n\n"
            "- a list\n\n  ```\n  ![w](file:///etc/passwd)\n  ```\n")
    write_tree(tmp_path, {"issues/01-base/articles/xss.md": article(body=body)})
    assert check(tmp_path, monkeypatch) == []
