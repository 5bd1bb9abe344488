"""The built wheel, installed in a fresh virtual environment, works outside this repository.

The wheel is built from a copy of the package sources (``pip wheel --no-deps``), installed with
no dependencies into a new venv, and the venv is then given this test environment's
site-packages for the libraries only (a .pth file written after the install, so pip never sees
the editable zine). Every command runs in a temporary folder that has no styles/, with the
venv's own ``zine`` script: what another cooperative network gets from ``pip install``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, require_tool
from tests.import_helpers import make_docx
from tests.pdf_helpers import pdffonts

pytestmark = pytest.mark.slow

ISSUE = "01-the-first-issue"
PACKAGED = ("zine/styles/base.css", "zine/styles/pdf.css", "zine/styles/epub.css",
            "zine/styles/html.css", "zine/styles/fonts/NotoSerif-Regular.ttf",
            "zine/styles/fonts/OFL.txt", "zine/templates/init/workflow.yml",
            "zine/templates/epub/", "zine/data/spdx-licenses.txt")


class Venv:
    """A fresh venv with the wheel installed; ``run`` runs its ``zine`` in ``cwd``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bin = folder / "bin"

    def run(self, cwd: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        done = subprocess.run(["zine", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "zine", source / "zine",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(out), str(source)], check=True, capture_output=True, timeout=600)
    [built] = out.glob("zine-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    folder = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True,
                   timeout=120)
    python = folder / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "--quiet", str(wheel)], check=True,
                   capture_output=True, timeout=600)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"], check=True,
                             capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "zine-test-libraries.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return Venv(folder)


def test_the_wheel_carries_the_default_styles_fonts_and_templates(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for packaged in PACKAGED:
        assert any(name.startswith(packaged) for name in names), packaged
    assert not any(name.startswith(("styles/", "tests/", "issues/")) for name in names)


def test_the_installed_zine_is_the_wheel_not_this_checkout(venv: Venv, tmp_path: Path) -> None:
    done = subprocess.run([str(venv.bin / "python"), "-c",
                           "import zine, zine.safety.fetcher as f; "
                           "print(zine.__file__); print(f.packaged_styles())"],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    module, styles = done.stdout.split()
    assert Path(module).is_relative_to(venv.folder) and Path(styles).is_relative_to(venv.folder)


def test_init_check_and_build_outside_the_repository(venv: Venv, tmp_path: Path) -> None:
    require_tool("pdffonts")
    venv.run(tmp_path, "init", "our-zine")
    root = tmp_path / "our-zine"
    assert not (root / "styles").exists()
    venv.run(root, "check", "--strict")
    built = venv.run(root, "build", "--strict")
    assert built.stdout.splitlines()[-1].startswith("zine: ")
    out = root / "build" / ISSUE
    for name in (f"{ISSUE}.epub", f"{ISSUE}.pdf", "index.html", "welcome.html",
                 "styles/html.css", "styles/fonts/NotoSerif-Regular.ttf"):
        assert (out / name).is_file(), name
    fonts = {row["name"].split("+")[-1]: row for row in pdffonts(out / f"{ISSUE}.pdf")}
    assert {"Zine-Serif", "Zine-Sans-Bold"} <= set(fonts)  # the packaged subsets, not system Noto
    assert all(row["emb"] == "yes" for row in fonts.values())
    with zipfile.ZipFile(out / f"{ISSUE}.epub") as book:
        assert "EPUB/styles/fonts/NotoSerif-Regular.ttf" in book.namelist()
    again = venv.run(root, "build", "--strict")
    assert "zine: nothing changed since the last build" in again.stderr


def test_an_override_in_the_roots_styles_wins_file_by_file(venv: Venv, tmp_path: Path) -> None:
    venv.run(tmp_path, "init", "styled")
    root = tmp_path / "styled"
    (root / "styles").mkdir()
    (root / "styles" / "html.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    venv.run(root, "build", "--format", "html")
    out = root / "build" / ISSUE / "styles"
    assert (out / "html.css").read_text(encoding="utf-8") == "body { color: #123456; }\n"
    assert b"Zine Serif" in (out / "fonts.css").read_bytes()  # the packaged one


def test_a_word_document_imported_into_a_fresh_folder_builds_every_edition(
        venv: Venv, tmp_path: Path) -> None:
    venv.run(tmp_path, "init", "magazine")
    root = tmp_path / "magazine"
    venv.run(root, "new", "issue", "02-workshop", "--title", "The workshop issue")
    document = make_docx(tmp_path / "workshop.docx")
    imported = venv.run(root, "import", str(document), "02-workshop")
    assert "Z610" in imported.stderr  # its comment is reported, as in the repository
    venv.run(root, "build", "--format", "epub,pdf,html,booklet")
    out = root / "build" / "02-workshop"
    for name in ("02-workshop.epub", "02-workshop.pdf", "02-workshop-booklet.pdf",
                 "sharing-the-workshop.html", "offprints/sharing-the-workshop.pdf",
                 "offprints/sharing-the-workshop.epub"):
        assert (out / name).is_file(), name
    page = (out / "sharing-the-workshop.html").read_text(encoding="utf-8")
    assert "How we started" in page and "Carpentry" in page
