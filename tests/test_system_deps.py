"""`make` installs every program `zine build` runs: a newcomer's first command builds.

`make` runs ``tools/system-deps build``; `make test` adds the test packages. A program the build
looks up with ``shutil.which`` but that only the test packages bring would pass CI and fail
the newcomer's `make` (as ``pdftoppm`` did for the link-preview cards). So the programs are read
from zine's sources, and Debian's own package database says which package each comes from.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHICH = re.compile(r"""shutil\.which\(\s*["']([^"']+)["']\s*\)""")


def programs_the_build_looks_up() -> set[str]:
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


def test_the_build_looks_up_programs_on_path():
    # pdftoppm (cards, raster covers) at least: the test below would otherwise pass on nothing.
    assert "pdftoppm" in programs_the_build_looks_up()


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian system")
@pytest.mark.parametrize("program", sorted(programs_the_build_looks_up()))
def test_make_installs_each_program_the_build_runs(program):
    assert debian_package_of(program) in build_packages(), (
        f"zine build runs {program}, but `tools/system-deps build` (what `make` installs) "
        f"does not list its package")
