"""The contacts import tests once more with every bulk-load trick off (KAM_BULK_TRICKS=off):
the same messages, exit codes and stored rows through SQLite's ordinary path."""

from __future__ import annotations

import pytest

from . import test_import, test_import_worker, test_skip_invalid_dependents

PURE = {"test_the_whole_column_email_check_agrees_with_checking_each_cell"}  # no import run: nothing to switch

for _module in (test_import, test_import_worker, test_skip_invalid_dependents):
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") and _name not in PURE:
            # the worker's tests are about SQLite files (their module's mark does not come along)
            globals()[_name] = pytest.mark.sqlite_only(_test) if _module is test_import_worker else _test


@pytest.fixture(autouse=True)
def _tricks_off(monkeypatch):
    monkeypatch.setenv("KAM_BULK_TRICKS", "off")
