"""The language kam speaks: `--lang`, `KAM_LANG`, the locale, and a catalog a translator can work on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from keyaccount_cli import i18n
from keyaccount_cli.domain.labels import LABELS, label
from keyaccount_cli.domain.vocab import DEFAULT_VOCABULARY, VOCABULARIES

from .conftest import EXAMPLE

PACKAGE = Path(i18n.__file__).parent
PO = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "kam.po"
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None, "NP_": ((1, "c"), 2)}


@pytest.fixture
def chinese():
    i18n.use("zh")
    yield
    i18n.use("en")


def _catalog():
    with PO.open("rb") as f:
        return read_po(f)


def _marked_in_sources() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def test_every_marked_text_has_a_chinese_translation_and_the_catalog_keeps_no_stale_one():
    catalog = _catalog()
    in_po = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    marked = _marked_in_sources()
    assert sorted(marked - in_po, key=str) == [], "run scripts/catalog and translate the new texts"
    assert sorted(in_po - marked, key=str) == [], "run scripts/catalog: the catalog has texts no code uses"
    untranslated = [
        m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


def test_the_compiled_catalog_is_the_translators_file_compiled():
    def messages(catalog):
        def plain(text):  # a plural's forms come as a list from one reader and a tuple from the other
            return text if isinstance(text, str) else tuple(text)

        return {(m.context, plain(m.id)): plain(m.string) for m in catalog if m.id}

    with PO.with_suffix(".mo").open("rb") as f:
        compiled = read_mo(f)
    assert messages(compiled) == messages(_catalog()), "run scripts/catalog compile"


@pytest.mark.parametrize("vocabulary", list(LABELS))
def test_every_value_has_a_label_and_its_chinese_label_reads_back_as_the_value(vocabulary, chinese):
    assert set(LABELS[vocabulary]) == set(VOCABULARIES[vocabulary])
    for value in VOCABULARIES[vocabulary]:
        zh = label(vocabulary, value)
        assert re.search(r"[\u4e00-\u9fff]", zh), (vocabulary, value, zh)
        assert DEFAULT_VOCABULARY.one(vocabulary, zh) == value


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        (None, {}, "en"),
        ("zh", {"KAM_LANG": "en"}, "zh"),
        ("ZH", {}, "zh"),
        (None, {"KAM_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"KAM_LANG": "", "LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "zh_TW.UTF-8"}, "zh"),
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "zh_CN.GBK"}, "zh"),
        (None, {"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_language_is_the_option_else_kam_lang_else_the_locale(option, environ, expected):
    assert i18n.language_from(option, environ) == expected


def test_an_unknown_language_is_refused_naming_where_it_was_given(kam, monkeypatch):
    result = kam("check", "--lang", "fr")
    assert result.exit_code == 2
    assert result.output == "kam: --lang: unknown language 'fr'; use zh or en\n"
    monkeypatch.setenv("KAM_LANG", "de")
    result = kam("check")
    assert result.exit_code == 2
    assert result.output == "kam: KAM_LANG: unknown language 'de'; use zh or en\n"


def test_english_plurals_follow_the_count():
    assert i18n.ngettext("{n} contact", "{n} contacts", 1).format(n=1) == "1 contact"
    assert i18n.ngettext("{n} contact", "{n} contacts", 2).format(n=2) == "2 contacts"


def test_a_label_is_chinese_in_chinese_and_a_word_outside_the_vocabularies_is_shown_as_stored(chinese):
    assert label("status", "leaving") == "即将离职"
    assert label("interaction_kind", "email") == "邮件"
    assert label("stage", "negotiation") == "negotiation"


def catalogs_read(*args: str, env: dict[str, str] | None = None) -> int:
    """How many times a kam run, in a fresh interpreter, reads kam's translation catalog (click reads
    its own, `messages`, for its help texts)."""
    code = (
        "import gettext, sys\n"
        "reads = []\n"
        "real = gettext.translation\n"
        "gettext.translation = lambda *a, **k: (a[0] == 'kam' and reads.append(a)) or real(*a, **k)\n"
        "from keyaccount_cli.cli import main\n"
        f"sys.argv = ['kam', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(len(reads))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})})  # fmt: skip
    return int(run.stdout.strip().splitlines()[-1])


def test_help_reads_no_catalog_and_a_chinese_run_reads_it_once(kam, isolated_db):
    assert kam("import", EXAMPLE).exit_code == 0
    db = ("--db", isolated_db.location)
    assert catalogs_read("--help", env={"LANG": "zh_CN.UTF-8"}) == 0
    assert catalogs_read("--lang", "zh", "map", "--help") == 0
    assert catalogs_read(*db, "map", "华东电力集团") == 0  # English: no catalog at all
    assert catalogs_read(*db, "--lang", "zh", "map", "华东电力集团") == 1
