"""A number column holding text, an infinity or a number too large (written by another tool or by
hand into a SQLite file): the commands that need it stop with one line naming it, `kam db --check`
lists it, and an import of the account's row overwrites it."""

from __future__ import annotations

import pytest

from .test_unreadable_values import write

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("bad", ["abc", "inf"])
def test_a_damaged_annual_revenue_is_named_and_listed_and_an_import_repairs_it(kam, write_csv, isolated_db, bad):
    assert kam("add", "ACME", "Li Lei").exit_code == 0
    value = float(bad) if bad == "inf" else bad
    write(isolated_db, "UPDATE account SET annual_revenue = ?", (value,))
    for args in (("show", "ACME"), ("accounts",), ("check",)):
        result = kam(*args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and "internal error" not in result.stderr, result.stderr
        assert "account #1 (ACME), column annual_revenue: cannot read the stored value" in lines[0]
        assert "not a finite number below 10^15 in magnitude" in lines[0]
    check = kam("db", "--check")
    assert check.exit_code == 1, check.output
    assert "annual_revenue" in check.output
    path = write_csv("account,annual_revenue\nACME,1000000\n", name="accounts.csv")
    assert kam("import", path, "--kind", "accounts").exit_code == 0
    assert kam("show", "ACME").exit_code == 0
    assert kam("db", "--check").exit_code == 0
