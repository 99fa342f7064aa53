"""`kam set-account`: change an account's owner, tier, industry, renewal date, status or notes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import guarded, state


def register(app: typer.Typer) -> None:
    app.command("set-account", epilog="Example: kam set-account 远景能源 --status customer --owner 张敏 --tier key")(
        set_account
    )


@guarded
def set_account(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name (case-insensitive).", show_default=False)],
    owner: Annotated[str | None, typer.Option("--owner", help="Our account manager.")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="strategic, key, standard (or 战略级, 重点成长型, 普通).")] = None,
    industry: Annotated[str | None, typer.Option("--industry")] = None,
    renewal_date: Annotated[str | None, typer.Option("--renewal-date", help="The contract's renewal date (YYYY-MM-DD).", metavar="DATE")] = None,
    status: Annotated[str | None, typer.Option("--status", help="customer, prospect or lost (or 客户, 潜在客户, 流失).")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
) -> None:  # fmt: skip
    """Change an account's fields; each change lands in the history and is listed. "" clears a field."""
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
