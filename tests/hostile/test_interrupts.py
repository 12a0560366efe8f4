"""Ctrl+C at any moment ends `kb check` with "kb: interrupted." and status 130, no traceback and no
process left behind; a killed kb takes its workers with it; the cache stays usable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import page, write_site

pytestmark = pytest.mark.hostile

PAGES = 300  # enough that workers are started (see PARALLEL_THRESHOLD) and run for a while


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files: dict[str, str | bytes] = {"docs/index.md": page(body="# Home\n")}
    for i in range(PAGES):
        body = f"# Page {i}\n\n" + "".join(f"## Part {j}\n\nSee [the next](p{(i + 1) % PAGES}.md#part-{j}).\n\n"
                                          for j in range(20))
        files[f"docs/p{i}.md"] = page(body=body)
    return write_site(tmp_path_factory.mktemp("big"), files)


def session_processes(session: int) -> list[int]:
    """Live processes of a session (zombies, which are already dead, not counted)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # field 6 of stat is the session id
            found.append(int(entry.name))
    return found


def wait_until_gone(session: int, within: float = 20.0) -> list[int]:
    deadline = time.monotonic() + within
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def start(root: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "kb.cli", "check", "--jobs", "2", "--format", "json", "-f",
               str(root / "mkdocs.yml"), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=root)


# Delays spread over start-up, reading, rendering in workers and reporting. Whatever moment the signal
# lands in, the outcome must be one of the two clean ones, so no result depends on timing.
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6, 1.0, 1.6])
def test_ctrl_c_at_any_moment(big_site: Path, delay: float) -> None:
    process = start(big_site, "--no-cache")
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the whole process group
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    if process.returncode == 130:
        assert err.strip().endswith("kb: interrupted."), err
    elif process.returncode == -signal.SIGINT:
        # Before the interpreter takes Ctrl+C over, the signal ends the process as it ends any
        # program: silently, and shells report status 130 for it too.
        assert err == ""
    else:  # the check had finished before the signal arrived
        assert process.returncode in (0, 1) and json.loads(out)["findings"] is not None
    assert wait_until_gone(process.pid) == []


def test_killed_kb_takes_its_workers_with_it(big_site: Path) -> None:
    process = start(big_site, "--no-cache")
    deadline = time.monotonic() + 30
    while len(session_processes(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # until a worker exists
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert wait_until_gone(process.pid) == []


def test_an_interrupted_run_leaves_a_usable_cache(big_site: Path) -> None:
    expected = subprocess.run([sys.executable, "-m", "kb.cli", "check", "--no-cache", "--format", "json", "-f",
                               str(big_site / "mkdocs.yml")], capture_output=True, text=True, timeout=120)
    for delay in (0.3, 0.8):
        process = start(big_site)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=60)
    after = subprocess.run([sys.executable, "-m", "kb.cli", "check", "--format", "json", "-f",
                            str(big_site / "mkdocs.yml")], capture_output=True, text=True, timeout=120)
    assert json.loads(after.stdout)["findings"] == json.loads(expected.stdout)["findings"]
