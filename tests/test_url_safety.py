"""Database URLs: no credential of one is ever printed, a malformed one is one clear line, and a
contact id too large for any row is simply not found."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url

from .conftest import EXAMPLE

# nothing listens on port 1 of the loopback: the connection fails at once
UNREACHABLE = "postgresql+psycopg://kam@127.0.0.1:1/kam"
SECRETS = ("SECRET-PW", "SSL-SECRET", "PASSFILE-SECRET", "OTHER-SECRET")
WITH_SECRETS = (f"{UNREACHABLE}?password=SECRET-PW&sslpassword=SSL-SECRET"
                "&passfile=/tmp/PASSFILE-SECRET&application_name=kam&x_password_y=OTHER-SECRET")  # fmt: skip


def one_line_without_secrets(result, *secrets: str) -> None:
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kam: "), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for secret in secrets:
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [["db"], ["db", "--format", "json"], ["db", "--format", "csv"], ["accounts"], ["backup", "copy.db"]],
)
def test_credentials_in_the_query_of_a_url_are_never_printed(kam, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kam("--db", WITH_SECRETS, *command)
    one_line_without_secrets(result, *SECRETS)
    assert "password=***&sslpassword=***&passfile=***&application_name=kam&x_password_y=***" in result.stderr


def test_a_drivers_message_that_echoes_a_credential_shows_it_masked(kam):
    pytest.importorskip("psycopg", reason="needs the PostgreSQL driver: pip install -e '.[postgres]'")
    # the driver quotes the value it rejects: here the one that is also the password
    result = kam("--db", "postgresql://kam:S3CR3T-value@127.0.0.1:1/kam?connect_timeout=S3CR3T-value", "accounts")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.endswith("bad value for connect_timeout: '***'\n"), result.stderr


@pytest.mark.postgresql_only
def test_a_server_password_given_as_a_query_parameter_stays_hidden(kam, isolated_db, tmp_path):
    url = make_url(isolated_db.location)
    password = url.password or "unused-secret"  # a server that asks for none ignores it
    location = url.set(password=None).update_query_dict({"password": password}).render_as_string()
    assert password not in location.split("?")[0]
    assert kam("--db", location, "import", EXAMPLE).exit_code == 0
    for fmt in ("table", "json", "csv"):
        result = kam("--db", location, "db", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert password not in result.stdout + result.stderr and "password=***" in result.stdout
    (info,) = json.loads(kam("--db", location, "db", "--format", "json").stdout)
    assert info["contact"] == 16
    # the command to copy has neither the password nor a masked one: pg_dump asks, or reads ~/.pgpass
    hint = kam("--db", location, "backup", tmp_path / "copy.db")
    one_line_without_secrets(hint, password)
    assert "pg_dump --format=custom" in hint.stderr and "password=" not in hint.stderr and "***" not in hint.stderr


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("postgresql+psycopg://kam:pw-SECRET@127.0.0.1:abc/kam", "has a bad port 'abc'; give a number from 1 to 65535"),
        ("postgresql://kam:pw-SECRET@127.0.0.1:99999/kam", "has a bad port '99999'; give a number from 1 to 65535"),
        ("postgresql://kam:pw-SECRET@[::1]:0/kam", "has a bad port '0'; give a number from 1 to 65535"),
        (
            "postgresql://kam:pw@SECRET@127.0.0.1:1/kam",
            "has an unencoded '@' in its user name or password; write it as %40",
        ),
        ("nosuchdb://kam:pw-SECRET@127.0.0.1/kam", "not a database kam knows"),
    ],
)
@pytest.mark.parametrize("command", ["db", "accounts"])
def test_a_malformed_url_is_one_line_naming_the_problem(kam, location, problem, command):
    result = kam("--db", location, command)
    one_line_without_secrets(result, "SECRET")
    assert problem in result.stderr and ":***@" in result.stderr


@pytest.mark.parametrize("ref", ["99999999999999999999999", str(2**63), str(2**63 - 1), "3000000000"])
@pytest.mark.parametrize(
    "command", [["set", "{ref}", "--title", "CTO"], ["history", "{ref}"], ["leave", "{ref}", "--on", "2026-12-10"]]
)
def test_a_contact_id_beyond_any_row_is_not_found(kam, ref, command):
    assert kam("import", EXAMPLE).exit_code == 0
    result = kam(*(arg.format(ref=ref) for arg in command))
    one_line_without_secrets(result)
    assert result.stderr.startswith(f"kam: no contact '{ref}'; name one by email, id or name")


@pytest.mark.parametrize("ref", ["０１", "²", "١"])
def test_digits_of_other_scripts_are_names_not_ids(kam, ref):
    kam("add", "ACME", "A", "--email", "a@acme.example")
    result = kam("set", ref, "--title", "x")
    assert result.exit_code == 2, result.stderr
    assert f"no contact {ref!r}" in result.stderr
    assert "internal error" not in result.stderr
