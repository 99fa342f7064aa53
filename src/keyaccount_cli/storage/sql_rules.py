"""The domain's rules about a contact's roles written as SQL, for the passes that count in the
database (`book_counts`, `red_flags`, `our_people`): one place, held equal to the Python rules by
tests/test_whole_book.py."""

from __future__ import annotations


def has_role(sqlite: bool, role: str, column: str = "roles") -> str:
    """The `;`-joined roles hold `role`, exactly as `ContactView.roles` splits them (a text another
    tool stored, `decision_makers`, is not the role)."""
    return f"{'instr' if sqlite else 'strpos'}(';' || {column} || ';', ';{role};') > 0"


def decides(sqlite: bool, alias: str = "") -> str:
    """`ContactView.decision_maker`: final say or the decision_maker role."""
    return f"({alias}decision_power = 'final' OR {has_role(sqlite, 'decision_maker', alias + 'roles')})"


def key_person(sqlite: bool, alias: str = "") -> str:
    """`portfolio.is_key_person`: a decision maker or a champion."""
    return f"({decides(sqlite, alias)} OR {has_role(sqlite, 'champion', alias + 'roles')})"
