"""The friendly name of every vocabulary value: the one table every command and format that
shows labels reads (docs/spec.md §13). English here; the Chinese is in the catalog
(`pgettext(vocabulary, label)`), and is an alias the importer reads back (docs/spec.md §12).
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, NP_, _, pgettext

# what each vocabulary is called in a sentence (`unknown role 'boss'`): a word, not its identifier
NOUNS: dict[str, str] = {
    "roles": N_("role"),
    "decision_power": N_("decision power"),
    "attitude": N_("attitude"),
    "concerns": N_("concern"),
    "status": N_("status"),
    "change_risk": N_("change risk"),
    "change_kind": N_("kind of change"),
    "relation_kind": N_("kind of relation"),
    "tier": N_("tier"),
    "renewal_intent": N_("renewal intent"),
    "interaction_kind": N_("kind of interaction"),
    "account_status": N_("account status"),
    "team_role": N_("team role"),
}

LABELS: dict[str, dict[str, str]] = {
    "roles": {
        "decision_maker": NP_("roles", "decision maker"),
        "influencer": NP_("roles", "influencer"),
        "user": NP_("roles", "user"),
        "procurement": NP_("roles", "procurement"),
        "finance": NP_("roles", "finance"),
        "it": NP_("roles", "IT"),
        "legal": NP_("roles", "legal"),
        "champion": NP_("roles", "champion"),
        "blocker": NP_("roles", "blocker"),
    },
    "decision_power": {
        "final": NP_("decision_power", "final say"),
        "major": NP_("decision_power", "strong influence"),
        "execution": NP_("decision_power", "feedback"),
    },
    "attitude": {
        "strong_support": NP_("attitude", "strong support"),
        "support": NP_("attitude", "support"),
        "neutral": NP_("attitude", "neutral"),
        "reserved": NP_("attitude", "reserved"),
        "opposed": NP_("attitude", "opposed"),
    },
    "concerns": {
        "price": NP_("concerns", "price"),
        "features": NP_("concerns", "features"),
        "stability": NP_("concerns", "stability"),
        "compliance": NP_("concerns", "compliance"),
        "integration": NP_("concerns", "integration"),
    },
    "status": {
        "active": NP_("status", "active"),
        "leaving": NP_("status", "leaving"),
        "left": NP_("status", "left"),
    },
    "change_risk": {
        "low": NP_("change_risk", "low"),
        "medium": NP_("change_risk", "medium"),
        "high": NP_("change_risk", "high"),
        "confirmed": NP_("change_risk", "confirmed"),
    },
    "change_kind": {
        "resignation": NP_("change_kind", "resignation"),
        "transfer": NP_("change_kind", "transfer"),
        "promotion": NP_("change_kind", "promotion"),
    },
    "relation_kind": {
        "referred": NP_("relation_kind", "referred"),
        "trusts": NP_("relation_kind", "trusts"),
        "peer": NP_("relation_kind", "peer"),
    },
    "tier": {
        "strategic": NP_("tier", "strategic"),
        "key": NP_("tier", "key"),
        "standard": NP_("tier", "standard"),
    },
    "renewal_intent": {
        "proactive": NP_("renewal_intent", "proactive"),
        "satisfied": NP_("renewal_intent", "satisfied"),
        "unclear": NP_("renewal_intent", "unclear"),
    },
    "interaction_kind": {
        "meeting": NP_("interaction_kind", "meeting"),
        "call": NP_("interaction_kind", "call"),
        "email": NP_("interaction_kind", "email"),
        "visit": NP_("interaction_kind", "visit"),
        "note": NP_("interaction_kind", "note"),
    },
    "account_status": {
        "customer": NP_("account_status", "customer"),
        "prospect": NP_("account_status", "prospect"),
        "lost": NP_("account_status", "lost"),
    },
    "team_role": {
        "sales": NP_("team_role", "sales"),
        "presales": NP_("team_role", "presales"),
        "csm": NP_("team_role", "customer success"),
        "service": NP_("team_role", "service"),
        "executive": NP_("team_role", "executive"),
        "other": NP_("team_role", "other"),
    },
}


# the other words kam shows that are not a vocabulary of docs/spec.md §1, in the same way: a finding's
# severity, a handover step's status, a yes/no flag (the Chinese of the last two is what the
# import reads back: importing/tables.py STEP_STATUS, vocab.parse_bool)
OTHER_LABELS: dict[str, dict[str, str]] = {
    "severity": {
        "critical": NP_("severity", "critical"),
        "high": NP_("severity", "high"),
        "medium": NP_("severity", "medium"),
        "low": NP_("severity", "low"),
    },
    "step_status": {"open": NP_("step_status", "open"), "done": NP_("step_status", "done")},
    "plan_status": {
        "open": NP_("plan_status", "open"),
        "closed": NP_("plan_status", "closed"),
        "cancelled": NP_("plan_status", "cancelled"),
    },
    "flag": {"yes": NP_("flag", "yes"), "no": NP_("flag", "no")},
    "band": {"red": NP_("band", "red"), "yellow": NP_("band", "yellow"), "green": NP_("band", "green")},
    # an opportunity's coverage and key-person stability (docs/spec.md §7)
    "coverage": {
        "none": NP_("coverage", "no contact"),
        "single": NP_("coverage", "single"),
        "multi": NP_("coverage", "multi"),
        "cross_department": NP_("coverage", "cross-department"),
    },
    "stability": {
        "stable": NP_("stability", "stable"),
        "at_risk": NP_("stability", "at risk"),
        "changed": NP_("stability", "changed"),
    },
}


def label(vocabulary: str, value: str) -> str:
    """How `value` of `vocabulary` is shown to people, in the language in use; a value the
    table does not know (a stage, an old word) is shown as it is stored."""
    text = (LABELS.get(vocabulary) or OTHER_LABELS.get(vocabulary, {})).get(value)
    return value if text is None else pgettext(vocabulary, text)


def noun(vocabulary: str) -> str:
    """What `vocabulary` is called in a sentence, in the language in use (`kind of interaction`)."""
    text = NOUNS.get(vocabulary)
    return vocabulary.replace("_", " ") if text is None else _(text)


def shown(vocabulary: str, value: Any) -> Any:
    """A vocabulary value, or a list of them, as the human outputs show it: its label, in the
    language in use (docs/spec.md §13: labels, never identifiers)."""
    if value is None:
        return value
    if isinstance(value, list | tuple):
        return [label(vocabulary, v) for v in value]
    return label(vocabulary, value)
