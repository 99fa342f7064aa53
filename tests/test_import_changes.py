"""`kam import` (SPEC §8 Import): a `-` cell clears its field, and `--dry-run` lists what would change."""

from __future__ import annotations

import json

import pytest

from .test_import_worker import both_ways

HEADER = "account,name,email,phone,title,attitude,status,reports_to,notes\n"
FIRST = (
    HEADER + "华信银行,王强,wq@x.cn,138-0000-0001,CIO,neutral,leaving,li@x.cn,老客户\n华信银行,李总,li@x.cn,,CEO,,,,\n"
)


def history(kam, who):
    result = kam("history", who, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {h["field"]: (h["old"], h["new"]) for h in json.loads(result.stdout) if h["field"] != "*"}


def test_a_dash_clears_a_field_and_the_history_keeps_the_old_value(kam, write_csv):
    kam("import", write_csv(FIRST, name="one.csv"))
    result = kam("import", write_csv(HEADER + "华信银行,王强,wq@x.cn, - ,-,,-,-,'-\n", name="two.csv"))
    assert result.exit_code == 0, result.stderr
    assert "imported two.csv: 0 created, 1 updated, 0 unchanged, 0 skipped, 4 fields cleared" in result.stdout
    (wang,) = [c for c in json.loads(kam("contacts", "华信银行", "--format", "json").stdout) if c["name"] == "王强"]
    assert (wang["phone"], wang["title"], wang["status"], wang["reports_to"]) == (None, None, "active", None)
    assert wang["attitude"] == "neutral"  # an empty cell never erases anything
    assert history(kam, "wq@x.cn") == {
        "phone": ("138-0000-0001", None),
        "title": ("CIO", None),
        "status": ("leaving", "active"),
        "reports_to": ("李总", None),
        "notes": ("老客户", "-"),  # `'-` is how a spreadsheet keeps the text `-`: it is written, not a clear
    }


def test_a_dash_in_the_account_or_the_name_is_a_located_error(kam, write_csv, isolated_db):
    result = kam("import", write_csv("account,name\n-,王强\n华信银行, - \n"))
    assert result.exit_code == 2
    assert (
        "contacts.csv, line 2, column 1 (account), value '-': the account is required; '-' cannot clear it"
        in result.stderr
    )
    assert (
        "contacts.csv, line 3, column 2 (name), value '-': the name is required; '-' cannot clear it" in result.stderr
    )
    assert not isolated_db.exists() or isolated_db.count("account") == 0  # nothing written


def test_a_dry_run_lists_each_new_contact_and_each_changed_field(kam, write_csv):
    kam("import", write_csv(FIRST, name="one.csv"))
    before = kam("export", "contacts").stdout
    change = write_csv(HEADER + "华信银行,王强,wq@x.cn,,-,support,,,\n华信银行,张三,,,,,,王强,\n", name="two.csv")
    result = kam("import", change, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "王强: title CIO → (cleared)\n"
        "王强: attitude neutral → support\n"
        "张三: new contact at 华信银行\n"
        "would import two.csv: 1 created, 1 updated, 0 unchanged, 0 skipped, 1 field cleared\n"
    )
    listed = kam("import", change, "--dry-run", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {"line": 2, "account": "华信银行", "contact": "王强", "field": "title", "before": "CIO", "after": None,
         "change": "cleared"},
        {"line": 2, "account": "华信银行", "contact": "王强", "field": "attitude", "before": "neutral",
         "after": "support", "change": "updated"},
        {"line": 3, "account": "华信银行", "contact": "张三", "field": None, "before": None, "after": None,
         "change": "created"},
    ]  # fmt: skip
    assert "would import two.csv: 1 created" in listed.stderr
    assert kam("export", "contacts").stdout == before  # nothing written
    done = kam("import", change, "--format", "json")  # without --dry-run: what the import did
    assert done.exit_code == 0 and json.loads(done.stdout) == json.loads(listed.stdout), done.stderr
    assert "imported two.csv: 1 created" in done.stderr and kam("export", "contacts").stdout != before


def test_a_dry_run_lists_a_changed_manager_and_an_empty_list_when_nothing_changes(kam, write_csv):
    kam("import", write_csv(FIRST, name="one.csv"))
    moved = write_csv(HEADER + "华信银行,李总,,,,,,张三,\n华信银行,张三,,,,,,,\n", name="two.csv")
    assert kam("import", moved, "--dry-run").stdout.splitlines()[:2] == [
        "李总: reports to (empty) → 张三", "张三: new contact at 华信银行"]  # fmt: skip
    same = kam("import", write_csv(FIRST, name="same.csv"), "--dry-run", "--format", "json")
    assert same.exit_code == 0 and json.loads(same.stdout) == []


def test_a_dash_clears_an_account_field_and_a_dry_run_lists_it(kam, write_csv):
    kam("import", write_csv("account,industry,tier,owner,notes\n华信银行,银行,key,张经理,重点\n", name="a.csv"),
        "--kind", "accounts")  # fmt: skip
    change = write_csv("account,industry,tier,owner,notes\n华信银行,-,-,,'-\n", name="b.csv")
    listed = kam("import", change, "--kind", "accounts", "--dry-run", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {"line": 2, "account": "华信银行", "contact": None, "field": f, "before": before, "after": after, "change": change}
        for f, before, after, change in (("industry", "银行", None, "cleared"), ("tier", "key", None, "cleared"),
                                         ("notes", "重点", "-", "updated"))
    ]  # fmt: skip
    result = kam("import", change, "--kind", "accounts")
    assert "0 created, 1 updated, 0 unchanged, 0 skipped, 2 fields cleared" in result.stdout, result.stderr
    changes = {h["field"]: (h["old"], h["new"]) for h in json.loads(kam("history", "华信银行", "--format", "json").stdout)
               if h["source"] == "import b.csv"}  # fmt: skip
    assert changes == {"industry": ("银行", None), "tier": ("key", None), "notes": ("重点", "-")}
    account = json.loads(kam("accounts", "--format", "json").stdout)[0]
    assert (account["industry"], account["owner"]) == (None, "张经理")
    bad = kam("import", write_csv("account,industry\n-,银行\n", name="c.csv"), "--kind", "accounts")
    assert bad.exit_code == 2
    assert "c.csv, line 2, column 1 (account), value '-': the account is required; '-' cannot clear it" in bad.stderr


def test_a_dash_unlinks_an_opportunitys_contacts_and_clears_its_amount(kam, write_csv):
    kam("import", write_csv(FIRST, name="one.csv"))
    kam("import", write_csv("account,name,amount,stage,contacts\n华信银行,续约,100万,谈判,王强\n", name="o.csv"),
        "--kind", "opportunities")  # fmt: skip
    result = kam("import", write_csv("account,name,amount,stage,contacts\n华信银行,续约,-,,-\n", name="p.csv"),
                 "--kind", "opportunities", "--dry-run")  # fmt: skip
    assert result.stdout == (
        "华信银行: opportunity 续约: amount 1,000,000 → (cleared)\n"
        "华信银行: opportunity 续约: contacts 王强 → (cleared)\n"
        "would import p.csv: 0 created, 1 updated, 0 unchanged, 0 skipped, 2 fields cleared\n"
    ), result.stderr


@pytest.mark.sqlite_only
def test_clears_and_namesakes_come_out_the_same_in_a_worker_and_with_the_tricks_off(tmp_path, monkeypatch):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    rows = [(f"Account {i // 7}", f"Person {i % 3}", "" if i % 4 == 3 and i % 7 else f"p{i}@x.example", f"139{i:08d}",
             "CIO", "support", f"p{i - i % 7}@x.example" if i % 7 else "") for i in range(2500)]  # fmt: skip
    header = "account,name,email,phone,title,attitude,reports_to\n"
    first.write_text(header + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    changed = [(a, n, e, "-" if i % 5 == 0 and e else p, "-" if i % 3 == 0 else t, at, "-" if i % 11 == 0 else b)
               for i, (a, n, e, p, t, at, b) in enumerate(rows)]  # fmt: skip
    second.write_text(header + "".join(",".join(r) + "\n" for r in changed), encoding="utf-8")
    commands = (["import", str(first)], ["import", str(second), "--dry-run", "--format", "json"],
                ["import", str(second)])  # fmt: skip
    seen = both_ways(tmp_path, monkeypatch, *commands)
    monkeypatch.setenv("KAM_BULK_TRICKS", "off")
    (tmp_path / "off").mkdir()
    seen += both_ways(tmp_path / "off", monkeypatch, *commands)
    assert all(s == seen[0] for s in seen)
    (_, made, _), (_, listed, _), (code, done, errors) = seen[0][0]
    assert code == 0, errors
    assert "fields cleared" in done and "2500 created" in made
    changes = json.loads(listed)
    assert {c["change"] for c in changes} == {"cleared"}
    assert done.startswith(f"imported second.csv: 0 created, {len({c['line'] for c in changes})} updated")
