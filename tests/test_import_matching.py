"""`kam import` matching (SPEC §8 Import): email, else phone digits at the account, else account and
name unless another email or phone says they are two people; the possible-duplicate warning."""

from __future__ import annotations

import json


def people(kam, account):
    result = kam("contacts", account, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return sorted((p["name"], p["email"], p["phone"], p["title"]) for p in json.loads(result.stdout))


def test_a_row_matches_a_contact_by_the_digits_of_its_phone_of_seven_or_more(kam, write_csv):
    kam("import", write_csv("account,name,phone,title\n华信银行,王伟,138-0000-0001,经理\n华信银行,Li,800-123,\n",
                            name="one.csv"))  # fmt: skip
    result = kam("import", write_csv("account,name,phone,title\n华信银行,王 伟,+ 138 0000 0001 ,总监\n"
                                     "华信银行,Lee,800123,\n", name="two.csv"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "1 created, 1 updated" in result.stdout  # six digits are too few to say it is Li
    assert people(kam, "华信银行") == [("Lee", None, "800123", None), ("Li", None, "800-123", None),
                                   ("王 伟", None, "+ 138 0000 0001", "总监")]  # fmt: skip


def test_a_phone_that_several_share_matches_nobody_by_itself(kam, write_csv):
    office = (
        "account,name,phone\n华信银行,张三,010-1234 5678\n华信银行,李四,010-1234 5678\n华信银行,王五,139-0000-0009\n"
    )
    result = kam("import", write_csv(office, name="one.csv"))
    assert "3 created" in result.stdout, result.stderr  # 张三 and 李四 share an office switchboard
    renamed = kam("import", write_csv("account,name,phone\n华信银行,Zhang San,01012345678\n华信银行,Wang Wu,13900000009\n",
                                      name="two.csv"))  # fmt: skip
    assert "1 created, 1 updated" in renamed.stdout, renamed.stderr
    assert people(kam, "华信银行") == [("Wang Wu", None, "13900000009", None), ("Zhang San", None, "01012345678", None),
                                   ("张三", None, "010-1234 5678", None), ("李四", None, "010-1234 5678", None)]  # fmt: skip


def test_two_namesakes_with_different_phones_and_no_email_are_two_people(kam, write_csv):
    text = "account,name,phone,title\n华信银行,王伟,13900000002,工程师\n华信银行,王伟,13900000003,会计\n"
    result = kam("import", write_csv(text))
    assert result.exit_code == 0, result.stderr
    assert "2 created" in result.stdout
    assert people(kam, "华信银行") == [("王伟", None, "13900000002", "工程师"), ("王伟", None, "13900000003", "会计")]
    again = kam("import", write_csv(text, name="again.csv"))  # each row finds its own by phone
    assert "0 created, 0 updated, 2 unchanged" in again.stdout, again.stderr


def test_two_rows_of_one_name_and_nothing_to_tell_them_apart_say_how_to_fix_it(kam, write_csv):
    result = kam("import", write_csv("account,name,title\n华信银行,王伟,工程师\n华信银行,王伟,会计\n"))
    assert result.exit_code == 2
    assert ("contacts.csv, line 3, column 2 (name), value '王伟': the same contact as line 2; "
            "if they are two people, give each an email or a phone") in result.stderr  # fmt: skip


def test_a_stored_namesake_with_another_phone_is_another_person_with_a_warning(kam, write_csv):
    kam("import", write_csv("account,name,phone\n华信银行,王伟,138-0000-0001\n", name="one.csv"))
    result = kam("import", write_csv("account,name,phone\n华信银行,王伟,13900000002\n", name="two.csv"))
    assert result.exit_code == 0, result.stderr
    assert "1 created, 0 updated" in result.stdout
    (stored_id,) = [p["id"] for p in json.loads(kam("contacts", "华信银行", "--format", "json").stdout)
                    if p["phone"] == "138-0000-0001"]  # fmt: skip
    assert (f"possible duplicate: 王伟 already at 华信银行 as 138-0000-0001; if it is the same person: "
            f"kam set {stored_id} --phone 13900000002") in result.stderr  # fmt: skip
    # the command it proposes is one kam takes
    assert kam("set", str(stored_id), "--phone", "13900000002").exit_code == 0


def test_a_new_namesake_with_another_email_is_written_with_a_warning(kam, write_csv):
    kam("import", write_csv("account,name,email\n华信银行,许婷,old@x.cn\n", name="one.csv"))
    result = kam("import", write_csv("account,name,email\n华信银行,许婷,new@x.cn\n", name="two.csv"))
    assert result.exit_code == 0, result.stderr
    assert "1 created, 0 updated" in result.stdout
    assert ("possible duplicate: 许婷 already at 华信银行 as old@x.cn; "
            "if it is the same person: kam set old@x.cn --email new@x.cn") in result.stderr  # fmt: skip
    assert people(kam, "华信银行") == [("许婷", "new@x.cn", None, None), ("许婷", "old@x.cn", None, None)]


def test_a_name_reference_to_namesakes_is_a_located_error_and_a_phone_names_one(kam, write_csv, isolated_db):
    two = "account,name,phone,reports_to\n华信银行,王伟,13900000002,\n华信银行,王伟,13900000003,\n"
    result = kam("import", write_csv(two + "华信银行,赵六,,王伟\n"))
    assert result.exit_code == 2
    assert ("contacts.csv, line 4, column 4 (reports_to), value '王伟': '王伟' names 2 contacts at 华信银行 "
            "(王伟 <13900000002>, 王伟 <13900000003>); name one by its email or phone") in result.stderr  # fmt: skip
    result = kam("import", write_csv(two + "华信银行,赵六,,139 0000 0003\n"))
    assert result.exit_code == 0, result.stderr
    managers = isolated_db.rows("SELECT c.name, m.phone FROM contact c JOIN contact m ON m.id = c.reports_to_id")
    assert managers == [("赵六", "13900000003")]


def test_an_opportunitys_contact_named_by_a_shared_name_is_refused_and_a_phone_names_one(kam, write_csv, isolated_db):
    kam("import", write_csv("account,name,phone\n华信银行,王伟,13900000002\n华信银行,王伟,13900000003\n"))
    opportunity = "account,name,contacts\n华信银行,续约,{}\n"
    result = kam("import", write_csv(opportunity.format("王伟"), name="o.csv"), "--kind", "opportunities")
    assert result.exit_code == 2
    assert ("o.csv, line 2, column 3 (contacts), value '王伟': '王伟' names 2 contacts at 华信银行 "
            "(王伟 <13900000002>, 王伟 <13900000003>); name one by its email or phone") in result.stderr  # fmt: skip
    result = kam("import", write_csv(opportunity.format("139-0000-0003"), name="o.csv"), "--kind", "opportunities")
    assert result.exit_code == 0, result.stderr
    linked = isolated_db.rows("SELECT c.phone FROM opportunity_contact l JOIN contact c ON c.id = l.contact_id")
    assert linked == [("13900000003",)]
