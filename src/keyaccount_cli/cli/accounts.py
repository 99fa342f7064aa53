"""`kam set-account`: change an account's owner, tier, industry, renewal date, status or notes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import examples, guarded, one_of, state


def register(app: typer.Typer) -> None:
    app.command(
        "set-account",
        epilog=examples(
            "kam set-account 星河零售 --owner 李静 --tier key --renewal-date 2027-03-31",
            "kam set-account 蓝海科技 --status prospect --owner 张敏",
        ),
    )(set_account)


@guarded
def set_account(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False, metavar="ACCOUNT")],
    owner: Annotated[str | None, typer.Option("--owner", help="Our account manager.", metavar="NAME")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="Or 战略级, 重点成长型, 普通.", metavar=one_of("tier"))] = None,
    industry: Annotated[str | None, typer.Option("--industry", metavar="TEXT")] = None,
    renewal_date: Annotated[str | None, typer.Option("--renewal-date", help="The contract's renewal date (YYYY-MM-DD).", metavar="DATE")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Or 客户, 潜在客户, 流失.", metavar=one_of("account_status"))] = None,
    notes: Annotated[str | None, typer.Option("--notes", metavar="TEXT")] = None,
) -> None:  # fmt: skip
    """Change an account's fields; the history keeps each change.

    Each change is listed. An empty value ("") clears a field."""
    from ..domain.accounts import VOCABULARY_OF, account_values
    from ..domain.labels import label
    from ..services.accounts import set_account as change_account

    st = state(ctx)
    values = account_values(st.config().vocabulary, {"owner": owner, "tier": tier, "industry": industry,
                                                      "renewal_date": renewal_date, "status": status, "notes": notes})  # fmt: skip
    done = change_account(st.db(), account, values, now=st.now)
    # what changed is the command's answer: on stdout, one line per field
    if not done.changes:
        sys.stdout.write(f"{done.name}: nothing changed\n")
    for field, old, new in done.changes:
        vocabulary = VOCABULARY_OF.get(field)
        if vocabulary:  # a tier or a status: its label
            old, new = (label(vocabulary, v) if v else v for v in (old, new))
        sys.stdout.write(f"{done.name}: {field.replace('_', ' ')} {old or '(none)'} → {new or '(none)'}\n")
