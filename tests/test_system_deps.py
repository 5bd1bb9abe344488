"""`make` installs every program `zine build` runs, and a build without one says so first.

`make` runs ``tools/system-deps build``; `make test` adds the test packages. A program the build
runs but that only the test packages bring would pass CI and fail the newcomer's `make` (as
``pdftoppm`` did for the link-preview cards). So each edition names the programs it runs
(``Edition.programs``), every program zine looks up with ``shutil.which`` must be named there,
and Debian's own package database says which package each comes from.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cache_helpers import copy_content
from zine.build import build_project
from zine.editions import EDITIONS
from zine.errors import ZineError

ROOT = Path(__file__).resolve().parent.parent
WHICH = re.compile(r"""shutil\.which\(\s*["']([^"']+)["']\s*\)""")
DECLARED = {program: package for edition in EDITIONS for program, package in edition.programs}


def programs_zine_looks_up() -> set[str]:
    found: set[str] = set()
    for source in (ROOT / "zine").rglob("*.py"):
        found.update(WHICH.findall(source.read_text(encoding="utf-8")))
    return found


def build_packages() -> set[str]:
    """The package list of ``tools/system-deps build``: its first ``packages=( ... )``."""
    script = (ROOT / "tools" / "system-deps").read_text(encoding="utf-8")
    listed = re.search(r"^packages=\(([^)]*)\)", script, re.MULTILINE)
    assert listed, "tools/system-deps has no packages=( ... ) list"
    return set(listed.group(1).split())


def debian_package_of(program: str) -> str:
    path = shutil.which(program)
    assert path, f"{program} is not installed; `make test` installs it (tools/system-deps)"
    resolved = Path(path).resolve()
    candidates = [str(resolved), path]
    if str(resolved).startswith("/usr/"):
        candidates.append(str(resolved)[len("/usr"):])       # merged /usr: dpkg may know /bin/...
    for candidate in candidates:
        owner = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        if owner.returncode == 0:
            return owner.stdout.split(":", 1)[0].strip()
    raise AssertionError(f"no Debian package owns {path}")


def test_every_program_zine_runs_is_named_by_an_edition():
    looked_up = programs_zine_looks_up()
    assert "pdftoppm" in looked_up  # the cards, the raster covers: the test is not vacuous
    assert looked_up <= set(DECLARED), looked_up - set(DECLARED)


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian system")
@pytest.mark.parametrize("program", sorted(DECLARED))
def test_make_installs_each_program_the_build_runs(program):
    package = debian_package_of(program)
    assert package == DECLARED[program]  # what the error message tells the user to install
    assert package in build_packages(), (
        f"zine build runs {program}, but `tools/system-deps build` (what `make` installs) "
        f"does not list its package")


def test_a_build_without_a_program_names_it_and_writes_no_edition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr("shutil.which",
                        lambda name, *a, **k: None if name == "pdftoppm" else real_which(name))
    out = tmp_path / "out"
    with pytest.raises(ZineError, match=r"the html edition needs pdftoppm "
                                        r"\(Debian: poppler-utils\); no edition was written"):
        build_project([], formats=("epub", "pdf", "html"), out_dir=out,
                      root=copy_content(tmp_path / "content"))
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()
                                    and ".cache" not in p.parts]
