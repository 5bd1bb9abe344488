"""Publishing: the example GitHub Pages workflow builds the site and uploads exactly the output
folder, and the build cache it keeps between runs is where ``zine build`` puts it (beside the
output folder, so no cache file is uploaded)."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from zine.runtime.cache import CACHE_DIR, cache_home

WORKFLOW = Path(__file__).resolve().parents[1] / "examples" / "github-pages-workflow.yml"


def test_the_pages_workflow_builds_and_deploys_the_output_folder(tmp_path: Path) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = build["steps"]
    runs = [shlex.split(step["run"]) for step in steps if "run" in step
            and step["run"].startswith("zine build")]
    assert len(runs) == 1
    command = runs[0]
    out = command[command.index("--out") + 1]
    uses = {step["uses"].split("@")[0]: step.get("with", {}) for step in steps if "uses" in step}
    assert uses["actions/upload-pages-artifact"]["path"] == out
    cached = uses["actions/cache"]["path"]
    # the cache the workflow keeps is the one zine build writes for that output folder
    assert cache_home(tmp_path / out).parent == tmp_path / cached == tmp_path / CACHE_DIR
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
