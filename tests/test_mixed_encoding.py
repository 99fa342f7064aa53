"""A file whose lines are partly UTF-8 and partly GBK is refused, naming a line of each, instead of
being read as GB18030 with the UTF-8 rows stored as mojibake; files in one encoding still import."""

from __future__ import annotations

import json

from keyaccount_cli.importing import contacts as importer

LINES = [
    "account,name,title\n",
    "ACME,Li Lei,CEO\n",  # ASCII: either encoding
    "华东电力集团,李娜,总经理\n",
    "ACME,Han Meimei,CTO\n",
    "远景能源,王建华,销售总监\n",
]


def mixed(tmp_path, utf8_lines, name="contacts.csv"):
    """LINES, the lines numbered in `utf8_lines` (from 1) in UTF-8, the others in GBK."""
    path = tmp_path / name
    path.write_bytes(b"".join(t.encode("utf-8" if n in utf8_lines else "gbk") for n, t in enumerate(LINES, 1)))
    return path


def test_a_utf8_line_in_a_gbk_file_is_refused_naming_both_lines(kam, tmp_path, isolated_db):
    path = mixed(tmp_path, {3})
    result = kam("import", path)
    assert result.exit_code == 2
    assert result.stderr == (f"kam: {path}: line 3 is UTF-8 but line 5 is not (GBK?); "
                             "save the file in one encoding or pass --encoding\n")  # fmt: skip
    assert not isolated_db.exists() or isolated_db.count("contact") == 0


def test_a_gbk_line_in_a_utf8_file_is_refused_too(kam, tmp_path):
    path = mixed(tmp_path, {1, 2, 3, 4})
    result = kam("import", path, "--dry-run")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kam: {path}: line 3 is UTF-8 but line 5 is not (GBK?)")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_other_tables_refuse_a_mixed_file(kam, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes("客户,行业\n".encode("gbk") + "华东电力集团,能源\n".encode() + "远景能源,制造\n".encode("gbk"))
    result = kam("import", path, "--kind", "accounts")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kam: {path}: line 2 is UTF-8 but line 1 is not (GBK?)")


def test_the_parsing_worker_refuses_it_alike(kam, tmp_path, monkeypatch):
    path = mixed(tmp_path, {5})
    monkeypatch.setattr(importer, "_worth_a_worker", lambda path: True)
    result = kam("import", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kam: {path}: line 5 is UTF-8 but line 3 is not (GBK?)")


def test_files_in_one_encoding_still_import(kam, tmp_path, sample_gbk):
    assert kam("import", sample_gbk).exit_code == 0
    # GBK names such as 郑伟 and 谢强 happen to be valid UTF-8 too: the file is GBK all the same
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("account,name,title\nACME,郑伟,CEO\nACME,谢强,CFO\nACME,李娜,总经理\n".encode("gbk"))
    for path, prefix in ((gbk, b""), (tmp_path / "utf8.csv", b""), (tmp_path / "bom.csv", b"\xef\xbb\xbf")):
        if path is not gbk:
            path.write_bytes(prefix + f"account,name,title\n{path.stem},张伟,总经理\n".encode())
        result = kam("import", path)
        assert result.exit_code == 0, result.stderr
    people = {c["name"]: c["title"] for c in json.loads(kam("contacts", "ACME", "--format", "json").stdout)}
    assert people == {"郑伟": "CEO", "谢强": "CFO", "李娜": "总经理"}
    assert kam("contacts", "utf8", "--format", "json").stdout.count("张伟") == 1
    assert kam("contacts", "bom", "--format", "json").stdout.count("张伟") == 1


def test_a_short_utf8_name_among_gbk_lines_is_refused(kam, tmp_path, isolated_db):
    # a two-character name in UTF-8 also decodes as GB18030 (as 鏉庡): it was stored as mojibake
    path = tmp_path / "contacts.csv"
    path.write_bytes("account,name,notes\nAcme,李娜,\n".encode() + "Acme,王芳,\n".encode("gbk"))
    result = kam("import", path)
    assert result.exit_code == 2
    assert result.stderr == (f"kam: {path}: line 2 is UTF-8 but line 3 is not (GBK?); "
                             "save the file in one encoding or pass --encoding\n")  # fmt: skip
    assert not isolated_db.exists() or isolated_db.count("contact") == 0
