"""`kam forget` rewrites only the texts of the person's own accounts, names as stored (case and
all), and never a name another remaining contact there has too."""

from __future__ import annotations

import csv
import io
import json

ACCOUNTS = (
    "account,name,email,notes\n"
    "ACME,Li,li@acme.example,\n"
    "ACME,Lina Chen,lina@acme.example,Li Wei's deputy\n"
    "BETA,Li,li@beta.example,\n"
    "BETA,Li Wei,liwei@beta.example,\n"
    "BETA,Will,will@beta.example,\n"
    "BETA,Anna,anna@beta.example,\n"
)


def forget(kam, who):
    result = kam("forget", who, "--yes")
    assert result.exit_code == 0, result.stderr
    return result


def notes(kam):
    rows = csv.DictReader(io.StringIO(kam("export", "contacts").stdout))
    return {(r["account"], r["email"]): r["notes"] for r in rows}


def summaries(kam, account):
    (page,) = json.loads(kam("show", account, "--format", "json").stdout)
    return [i["summary"] for i in page["interactions"]]


def history(kam, account):
    return json.dumps(json.loads(kam("history", account, "--format", "json").stdout), ensure_ascii=False)


def test_forget_leaves_other_accounts_and_the_word_will_alone(kam, write_csv):
    assert kam("import", write_csv(ACCOUNTS)).exit_code == 0
    kam("set", "Anna", "--account", "BETA", "--notes", "Will be promoted; we will see")
    kam("log", "BETA", "will meet Li next week", "--on", "2026-11-20")
    before = history(kam, "BETA")
    forget(kam, "will@beta.example")
    forget(kam, "li@acme.example")
    left = notes(kam)
    assert left[("ACME", "lina@acme.example")] == "Li Wei's deputy"  # Li Wei is not Li
    assert left[("BETA", "anna@beta.example")] == "[forgotten] be promoted; we will see"
    assert summaries(kam, "BETA") == ["will meet Li next week"]
    assert "Li Wei" in before and "we will see" in history(kam, "BETA")
    assert {k for k in left if k[0] == "BETA"} == {
        ("BETA", "li@beta.example"), ("BETA", "liwei@beta.example"), ("BETA", "anna@beta.example")}  # fmt: skip


def test_forget_matches_a_name_case_and_all_but_an_email_in_any_case(kam, write_csv):
    kam("import", write_csv("account,name,email\nBETA,Will,will@beta.example\nBETA,Anna,anna@beta.example\n"))
    kam("log", "BETA", "met Will today; we will see, mail WILL@BETA.EXAMPLE", "--on", "2026-11-20")
    forget(kam, "will@beta.example")
    assert summaries(kam, "BETA") == ["met [forgotten] today; we will see, mail [forgotten]"]


def test_forget_keeps_a_name_another_contact_there_has_but_erases_the_email(kam, write_csv):
    kam("import", write_csv("account,name,email\nACME,Li,li@acme.example\nACME,Li,li2@acme.example\n"
                            "ACME,Boss,boss@acme.example\n"))  # fmt: skip
    kam("set", "Boss", "--notes", "Li said: mail li@acme.example")
    kam("log", "ACME", "Li called from li@acme.example", "--on", "2026-11-20")
    forget(kam, "li@acme.example")
    assert notes(kam)[("ACME", "boss@acme.example")] == "Li said: mail [forgotten]"
    assert summaries(kam, "ACME") == ["Li called from [forgotten]"]


def test_forget_counts_agree_in_number(kam, write_csv):
    kam("import", write_csv("account,name,email\n华东电力,杨帆,yf@hd.example\n华东电力,李娜,ln@hd.example\n"))
    result = forget(kam, "yf@hd.example")
    assert (
        "forgot 杨帆: 0 relations, 0 handover plans, 0 opportunity links, 1 history row, 0 texts that mentioned them"
        in result.stderr
    )
