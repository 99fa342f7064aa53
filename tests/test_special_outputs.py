"""`-o` onto a file that is not a regular one (a FIFO, a device, /dev/stdout) writes to it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .conftest import EXAMPLE


@pytest.fixture
def seeded(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    return isolated_db


def test_an_export_to_a_fifo_writes_the_csv_and_keeps_the_fifo(kam, seeded, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = kam("export", "accounts", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert got and got[0].decode().splitlines()[0].startswith("account")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".fifo")] == []


def test_an_export_to_dev_stdout_writes_the_csv_to_stdout(seeded, tmp_path):
    env = {**os.environ, "KAM_DB": seeded.location}
    cmd = [sys.executable, "-m", "keyaccount_cli", "export", "accounts", "-o", "/dev/stdout"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("account")
    assert "wrote" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device file needs root")
def test_an_export_to_a_null_device_keeps_the_device(kam, seeded, tmp_path):
    null = tmp_path / "nul"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = kam("export", "accounts", "-o", str(null))
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert null.stat().st_rdev == os.makedev(1, 3)


def test_a_backup_to_a_fifo_is_refused_and_the_fifo_kept(kam, seeded, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = kam("backup", str(fifo))
    assert result.exit_code == 2
    assert stat.S_ISFIFO(Path(fifo).stat().st_mode)
