"""Chinese names in pinyin order, Latin ones case-insensitively, the same on SQLite and PostgreSQL
(docs/spec.md §12): Latin names first, then the Chinese ones (README: In Chinese)."""

from __future__ import annotations

import json

import pytest

from keyaccount_cli.domain.order import sort_key

from .conftest import EXAMPLE
from .test_cli import loaded_by

NAMES = ["云途物流", "华信银行", "恒通汽车", "Acme", "beta"]
PINYIN = ["Acme", "beta", "恒通汽车", "华信银行", "云途物流"]  # héng, huá, yún


def test_the_key_reads_chinese_as_pinyin_and_latin_without_case():
    assert sorted(NAMES, key=sort_key) == PINYIN
    assert sorted(["Zeta", "阿里", "ALPHA", "beta"], key=sort_key) == ["ALPHA", "beta", "Zeta", "阿里"]
    # the reading of the word: 银行 is yín háng, so it comes before 银杏 yín xìng
    assert sorted(["银杏", "银行"], key=sort_key) == ["银行", "银杏"]
    assert sorted(["华信银行", "华信"], key=sort_key) == ["华信", "华信银行"]


@pytest.fixture
def book(kam, write_csv):
    rows = "".join(f"{n},P{i},p{i}@x.example,,support\n" for i, n in enumerate(NAMES))
    assert kam("import", write_csv("account,name,email,department,attitude\n" + rows)).exit_code == 0
    accounts = "".join(f"{n},{o}\n" for n, o in zip(NAMES, ["云", "华", "恒", "Bob", "alice"], strict=True))
    assert kam("import", write_csv("account,owner\n" + accounts, "a.csv"), "--kind", "accounts").exit_code == 0


def test_accounts_health_and_exports_list_accounts_in_pinyin_order(kam, book):
    assert [r["account"] for r in json.loads(kam("accounts", "--format", "json").stdout)] == PINYIN
    assert [r["account"] for r in json.loads(kam("health", "--format", "json").stdout)] == PINYIN
    for what in ("contacts", "accounts", "findings"):
        header, *rows = kam("export", what).stdout.splitlines()
        at = header.split(",").index("account")
        assert list(dict.fromkeys(r.split(",")[at] for r in rows)) == PINYIN, what


def test_check_lists_the_findings_of_one_severity_in_pinyin_order_of_their_accounts(kam, book):
    for fmt in ("json", "table"):
        out = kam("check", "--format", fmt).stdout
        if fmt == "json":
            shown = [f["account"] for f in json.loads(out) if f["code"] == "SINGLE_CONTACT"]
        else:
            shown = [line.split("│")[3].strip() for line in out.splitlines() if "SINGLE_CONTACT" in line]
        assert shown == PINYIN, fmt


def test_report_lists_owners_in_pinyin_order(kam, book):
    owners = [o["owner"] for o in json.loads(kam("report", "--format", "json").stdout)[0]["owners"]]
    assert owners == ["alice", "Bob", "恒", "华", "云"]


def test_successor_candidates_that_tie_come_in_pinyin_order(kam, write_csv):
    people = "".join(f"ACME,{n},IT\n" for n in ["云", "华", "恒", "Zed", "amy"])
    assert kam("import", write_csv("account,name,department\nACME,Boss,IT\n" + people)).exit_code == 0
    ranked = json.loads(kam("successor", "Boss", "--suggest", "--format", "json").stdout)
    assert [c["name"] for c in ranked] == ["amy", "Zed", "恒", "华", "云"]


@pytest.mark.sqlite_only
def test_pypinyin_is_loaded_only_for_a_chinese_name(kam, isolated_db, write_csv):
    assert loaded_by("--help", heavy=("pypinyin",)) == []
    kam("import", write_csv("account,name\nAcme,Ann\nbeta,Bob\n"))
    db = ("--db", str(isolated_db))
    for args in (("accounts",), ("check", "--quiet"), ("export", "contacts"), ("report",)):
        assert loaded_by(*db, *args, heavy=("pypinyin",)) == [], args
    kam("import", write_csv("account,name\n华信银行,许婷\n", "zh.csv"))
    assert loaded_by(*db, "accounts", heavy=("pypinyin",)) == ["pypinyin"]


@pytest.mark.sqlite_only
def test_one_chinese_account_is_shown_without_pypinyin(kam, isolated_db):
    """One account's pages put names in order only where two tie: the Chinese example needs no pinyin."""
    assert kam("import", EXAMPLE).exit_code == 0
    db = ("--db", str(isolated_db))
    for args in (("map", "华东电力集团"), ("show", "华东电力集团"), ("contacts", "华东电力集团"), ("handover", "王建华"),
                 ("successor", "王建华", "--suggest"), ("health", "华东电力集团"), ("history", "王建华")):  # fmt: skip
        assert loaded_by(*db, *args, heavy=("pypinyin",)) == [], args
    assert loaded_by(*db, "accounts", heavy=("pypinyin",)) == ["pypinyin"]  # the book's accounts, in pinyin order
