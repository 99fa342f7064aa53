"""A file with thousands of problems gets a report a person can read: the first 100 in the file's
order, then one line with the count of the rest; a reports-to cycle is one problem, however long."""

from __future__ import annotations

import pytest


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ", line " in line]


def nothing_written(db) -> bool:
    return not db.exists() or db.count("contact") == 0


def test_a_header_of_thousands_of_unknown_columns_lists_100_and_counts_the_rest(kam, write_csv, isolated_db):
    path = write_csv("account,name," + ",".join(f"extra{i}" for i in range(5000)) + "\nACME,Ann\n")
    result = kam("import", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 102, lines[-3:]
    assert lines[99].startswith(f"kam: {path}, line 1, column 102, value 'extra99': unknown column 'extra99'")
    assert lines[100] == "kam: … and 4,900 more problems"
    assert lines[101] == "kam: nothing was written"
    assert nothing_written(isolated_db)


def test_a_missing_required_column_is_listed_among_thousands_of_unknown_ones(kam, write_csv):
    path = write_csv("account," + ",".join(f"extra{i}" for i in range(300)) + "\nACME\n")
    result = kam("import", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "missing the required column 'name'" in lines[0]
    assert lines[-2:] == ["kam: … and 201 more problems", "kam: nothing was written"]


def test_500_bad_rows_list_the_first_100_and_a_count_line(kam, write_csv, isolated_db):
    path = write_csv("account,name,attitude\n" + "".join(f"ACME,P{i},lukewarm\n" for i in range(500)))
    result = kam("import", path)
    assert result.exit_code == 2
    listed = problem_lines(result.stderr)
    assert [line.split(", line ")[1].split(",")[0] for line in listed] == [str(n) for n in range(2, 102)]
    assert result.stderr.splitlines()[-2:] == [
        "kam: … and 400 more problems",
        "kam: nothing was written (500 problems)",
    ]
    assert nothing_written(isolated_db)
    skipped = kam("import", path, "--skip-invalid")
    assert skipped.exit_code == 0
    assert "0 created, 0 updated, 0 unchanged, 500 skipped" in skipped.stdout
    assert len(problem_lines(skipped.stderr)) == 100 and "kam: … and 400 more problems" in skipped.stderr


def test_the_listed_problems_are_the_first_of_the_file_whenever_they_are_found(kam, write_csv):
    """References are checked once the whole file is in, after the cells: the listing still starts at the top."""
    rows = [f"ACME,Early{i},,Ghost{i}\n" for i in range(60)] + [f"ACME,Late{i},lukewarm,\n" for i in range(150)]
    result = kam("import", write_csv("account,name,attitude,reports_to\n" + "".join(rows)))
    assert result.exit_code == 2
    listed = problem_lines(result.stderr)
    assert len(listed) == 100
    assert "line 2, column 4 (reports_to), value 'Ghost0': 'Ghost0' names nobody at ACME" in listed[0]
    assert "line 62, column 3 (attitude), value 'lukewarm'" in listed[60]
    assert "line 101," in listed[-1]
    assert result.stderr.splitlines()[-2:] == [
        "kam: … and 110 more problems",
        "kam: nothing was written (210 problems)",
    ]


@pytest.mark.parametrize("extra", [[], ["--skip-invalid"]])
def test_500_bad_account_rows_list_the_first_100_and_a_count_line(kam, write_csv, extra):
    path = write_csv("account,tier\n" + "".join(f"Co{i},platinum\n" for i in range(500)), name="accounts.csv")
    result = kam("import", path, "--kind", "accounts", *extra)
    assert result.exit_code == (0 if extra else 2)
    assert len(problem_lines(result.stderr)) == 100
    assert "line 101, column 2 (tier), value 'platinum'" in problem_lines(result.stderr)[-1]
    assert "kam: … and 400 more problems" in result.stderr.splitlines()
    assert ("500 skipped" in result.stdout) if extra else ("nothing was written (500 problems)" in result.stderr)


def test_a_300_person_reports_to_cycle_is_one_problem_naming_20_of_them(kam, write_csv):
    path = write_csv("account,name,reports_to\n" + "".join(f"ACME,P{i},P{(i + 1) % 300}\n" for i in range(300)))
    result = kam("import", path)
    assert result.exit_code == 2
    (problem,) = problem_lines(result.stderr)
    loop = " → ".join(f"P{i}" for i in range(20))
    assert problem == (f"kam: {path}, line 2, column 3 (reports_to), value 'P1': "
                       f"reports-to cycle of 300 contacts: {loop} and 280 more, back to P0")  # fmt: skip
    assert result.stderr.splitlines()[-1] == "kam: nothing was written (1 problem)"
    skipped = kam("import", path, "--skip-invalid")
    assert skipped.exit_code == 0 and "0 created, 0 updated, 0 unchanged, 300 skipped" in skipped.stdout
    assert len(problem_lines(skipped.stderr)) == 1 and "and 280 more, back to P0" in skipped.stderr
