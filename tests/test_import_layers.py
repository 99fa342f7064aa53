"""The contacts import split by role: `importing/` reads files and imports no database driver,
`storage/` holds every statement; no module of the import too long, one `option_values`."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "keyaccount_cli"
DRIVERS = ("sqlite3", "sqlalchemy", "sqlmodel", "psycopg")
IMPORT_MODULES = [
    "importing/cells.py", "importing/chunks.py", "importing/worker.py", "importing/contacts.py",
    "storage/bulkload.py", "storage/contact_import.py", "storage/contact_matching.py",
    "storage/contact_references.py", "storage/contact_rows.py", "storage/contact_writes.py",
]  # fmt: skip


def _tree(relative: str) -> ast.Module:
    return ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_contacts_import_reads_files_without_a_database_driver():
    for name in ("cells", "chunks", "worker", "contacts"):
        assert not _imported(_tree(f"importing/{name}.py")) & set(DRIVERS), name


def test_the_contacts_import_modules_keep_to_the_size_limits():
    for relative in IMPORT_MODULES:
        text = (PACKAGE / relative).read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 500, relative
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                limit = 300 if isinstance(node, ast.ClassDef) else 80
                assert node.end_lineno - node.lineno + 1 <= limit, f"{relative}: {node.name}"  # type: ignore[operator]


def test_option_values_has_one_definition_and_is_still_importable_from_the_importer():
    from keyaccount_cli.importing import cells, contacts

    defined = [path for path in PACKAGE.rglob("*.py")
               if any(isinstance(n, ast.FunctionDef) and n.name == "option_values" for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]  # fmt: skip
    assert [p.relative_to(PACKAGE).as_posix() for p in defined] == ["importing/cells.py"]
    assert contacts.option_values is cells.option_values
