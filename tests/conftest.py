from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from keyaccount_cli.cli import app, hoist_global_options

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "contacts.csv"
SAMPLE_GBK = ROOT.parent / "shared" / "samples" / "crm_export_gbk.csv"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_db(tmp_path, monkeypatch):
    """Tests never touch the user's real database or config."""
    db = tmp_path / "kam.db"
    monkeypatch.setenv("KAM_DB", str(db))
    monkeypatch.delenv("KAM_CONFIG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    return db


class Kam:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        result = self.runner.invoke(app, hoist_global_options([str(a) for a in args]), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


@pytest.fixture
def kam():
    return Kam()


@pytest.fixture
def sample_gbk(tmp_path):
    """The Chinese CRM export (GBK, CRLF); a bundled copy when the shared folder is absent."""
    src = SAMPLE_GBK if SAMPLE_GBK.exists() else FIXTURES / "crm_export_gbk.csv"
    dst = tmp_path / "crm_export_gbk.csv"
    shutil.copy(src, dst)
    return dst


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str, name: str = "contacts.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
