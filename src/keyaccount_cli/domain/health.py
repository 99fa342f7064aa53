"""The health scorecard (docs/spec.md §7): account inputs → a 0–100 score that explains itself.

Pure functions on plain values; the scorecard comes from the YAML config
(`health:`), the default being the one in docs/spec.md §7.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..i18n import N_, _, ngettext
from .labels import label

DIMENSIONS = ("usage", "renewal_intent", "p1_tickets", "nps")
DIMENSION_LABEL = {"usage": N_("usage"), "renewal_intent": N_("renewal intent"), "p1_tickets": N_("P1 tickets"),
                   "nps": N_("NPS")}  # fmt: skip
BANDS = ("red", "yellow", "green")

# The default scorecard, exactly as the YAML config spells it (examples/kam.yaml documents it).
# A numeric rule gives its points when every bound it names holds: `above` (>), `min` (≥),
# `below` (<), `max` (≤); the first rule that holds wins, a rule without bounds always holds.
DEFAULT_HEALTH: dict[str, Any] = {
    "weights": {"usage": 30, "renewal_intent": 30, "p1_tickets": 20, "nps": 20},
    "points": {
        "usage": [{"above": 80, "points": 10}, {"min": 50, "points": 7}, {"points": 3}],
        "renewal_intent": {"proactive": 10, "satisfied": 7, "unclear": 4},
        "p1_tickets": [{"max": 0, "points": 10}, {"max": 2, "points": 6}, {"points": 2}],
        "nps": [{"min": 9, "points": 10}, {"min": 7, "points": 7}, {"points": 1}],
    },
    "key_people": {"changes": 2, "months": 12, "deduction": 10},
    "coverage_deduction": 10,
    "bands": {"red": 60, "yellow": 76},
    "low": 60,
}
RULE_BOUNDS = ("above", "min", "below", "max")


def _holds(rule: Mapping[str, float], value: float) -> bool:
    return (
        ("above" not in rule or value > rule["above"]) and ("min" not in rule or value >= rule["min"])
        and ("below" not in rule or value < rule["below"]) and ("max" not in rule or value <= rule["max"])
    )  # fmt: skip


@dataclass(frozen=True)
class Scorecard:
    weights: Mapping[str, float]
    points: Mapping[str, Any]
    key_people_changes: int = 2
    key_people_months: int = 12
    key_people_deduction: float = 10
    coverage_deduction: float = 10
    red_below: float = 60
    yellow_below: float = 76
    low: float = 60

    @classmethod
    def from_config(cls, health: Mapping[str, Any]) -> Scorecard:
        kp = health["key_people"]
        return cls(
            weights=dict(health["weights"]), points=dict(health["points"]), key_people_changes=kp["changes"],
            key_people_months=kp["months"], key_people_deduction=kp["deduction"],
            coverage_deduction=health["coverage_deduction"], red_below=health["bands"]["red"],
            yellow_below=health["bands"]["yellow"], low=health["low"],
        )  # fmt: skip

    def points_for(self, dimension: str, value: Any) -> float | None:
        """The points a value earns on one dimension; None when there is no value."""
        if value is None:
            return None
        rules = self.points[dimension]
        if isinstance(rules, Mapping):
            return rules.get(value)
        for rule in rules:
            if _holds(rule, value):
                return rule["points"]  # type: ignore[no-any-return]
        return 0

    def score_of(
        self, inputs: Mapping[str, Any], *, key_people_changed: Sequence[str] = (), thin_coverage: Sequence[str] = ()
    ) -> HealthResult:  # fmt: skip
        """`score` on this scorecard (what the early warnings call, without importing this module)."""
        return score(inputs, self, key_people_changed=key_people_changed, thin_coverage=thin_coverage)

    def band(self, score: float | None) -> str | None:
        if score is None:
            return None
        if score < self.red_below:
            return "red"
        if score < self.yellow_below:
            return "yellow"
        return "green"


DEFAULT_SCORECARD = Scorecard.from_config(DEFAULT_HEALTH)


@dataclass
class Deduction:
    points: float
    reason: str


@dataclass
class HealthResult:
    inputs: dict[str, Any]
    points: dict[str, float | None]
    weights_used: dict[str, float]
    base: float | None  # weighted points × 10, before deductions
    deductions: list[Deduction] = field(default_factory=list)
    score: float | None = None
    band: str | None = None

    def explanation(self) -> str:
        if self.score is None:
            return _("no health data (usage, renewal intent, P1 tickets, NPS)")
        form = _("{dimension} {value} → {points} pts × {weight}")
        parts = [form.format(dimension=_(DIMENSION_LABEL[d]), value=_show(self.inputs[d], d), points=_show(self.points[d]),
                             weight=_show(w)) for d, w in self.weights_used.items()]  # fmt: skip
        total = sum(self.weights_used.values())
        text = f"({' + '.join(parts)}) / {_show(total)} × 10 = {_show(round_half_up(self.base, 2))}"  # type: ignore[arg-type]
        for d in self.deductions:
            text += f" − {_show(d.points)} ({d.reason})"
        if self.deductions or round_half_up(self.base, 2) != self.score:  # type: ignore[arg-type]
            text += f" = {_show(self.score)}"
        return text


def _show(value: Any, dimension: str | None = None) -> str:
    if dimension == "renewal_intent" and isinstance(value, str):
        return label("renewal_intent", value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def round_half_up(value: float | Fraction, places: int = 1) -> float:
    scale = 10**places
    return math.floor(Fraction(value) * scale + Fraction(1, 2)) / scale


def score(
    inputs: Mapping[str, Any], card: Scorecard = DEFAULT_SCORECARD, *,
    key_people_changed: Sequence[str] = (), thin_coverage: Sequence[str] = (),
) -> HealthResult:  # fmt: skip
    """The score of one account.

    `key_people_changed` names the key people who changed within the scorecard's
    months; `thin_coverage` the SINGLE_CONTACT / SINGLE_SUPPORTER findings the
    account has. A dimension without a value is left out and the other weights
    are rescaled; without any value there is no score.
    """
    result, base = _weighted(inputs, card)
    if base is not None:
        _deduct(result, base, card, key_people_changed, thin_coverage)
    return result


def _weighted(inputs: Mapping[str, Any], card: Scorecard) -> tuple[HealthResult, Fraction | None]:
    """The points and weighted base of `score`, before any deduction; the base exactly (None: no value)."""
    values = {d: inputs.get(d) for d in DIMENSIONS}
    if all(v is None for v in values.values()):  # no data, no points (most accounts of a large book)
        return HealthResult(inputs=values, points=dict.fromkeys(DIMENSIONS), weights_used={}, base=None), None
    points = {d: card.points_for(d, values[d]) for d in DIMENSIONS}
    used = {d: card.weights[d] for d in DIMENSIONS if points[d] is not None and card.weights.get(d, 0) > 0}
    result = HealthResult(inputs=values, points=points, weights_used=used, base=None)
    total = sum(used.values())
    if not total:
        return result, None
    terms = [Fraction(used[d]) * Fraction(p) for d in used if (p := points[d]) is not None]  # all of `used` has points
    base = sum(terms, Fraction(0)) / Fraction(total) * 10
    result.base = float(base)
    return result, base


def _deduct(
    result: HealthResult, base: Fraction, card: Scorecard, key_people_changed: Sequence[str], thin_coverage: Sequence[str]
) -> None:  # fmt: skip
    """The deductions of `score` from the exact `base`, then the score and its band."""
    if len(key_people_changed) >= card.key_people_changes and card.key_people_deduction:
        n = len(key_people_changed)
        reason = ngettext("{n} key-person change in {months} months: {people}",
                          "{n} key-person changes in {months} months: {people}", n)  # fmt: skip
        result.deductions.append(Deduction(card.key_people_deduction, reason.format(
            n=n, months=card.key_people_months, people=", ".join(key_people_changed))))  # fmt: skip
    if thin_coverage and card.coverage_deduction:
        result.deductions.append(Deduction(card.coverage_deduction, _(" and ").join(thin_coverage)))
    final = base - sum(Fraction(d.points) for d in result.deductions)
    result.score = round_half_up(min(Fraction(100), max(Fraction(0), final)))
    result.band = card.band(result.score)


# --- one account, from its snapshot ------------------------------------------

THIN_CODES = ("SINGLE_CONTACT", "SINGLE_SUPPORTER")


def assess(
    account: Any, card: Scorecard, opts: Any, findings: Sequence[Any] | None = None, *, facts: Any = None
) -> HealthResult:  # fmt: skip
    """The score of an account snapshot (`AccountView`) as of `opts.today` (`CheckOptions`); `findings`
    are the account's (`check_account`), when the caller has them. With `facts` (`AccountFacts`, of
    a book read in SQL), the findings and the changes come from them, and `account` needs no more
    contacts than its watched ones. The deductions (the findings, the key-person changes) are looked
    for only when there is a score to deduct from: most accounts of a large book have no health data."""
    from .checks import check_account, check_facts
    from .portfolio import key_person_changes

    result, base = _weighted(account.health_inputs, card)
    if base is None:
        return result
    if findings is None:
        findings = check_account(account, opts) if facts is None else check_facts(facts, opts)
    thin = sorted({f.code for f in findings if f.code in THIN_CODES}, key=THIN_CODES.index)
    watched = None if facts is None else facts.watch  # everyone with a change day is watched
    changes = key_person_changes(account, opts.today, card.key_people_months, watched)
    _deduct(result, base, card, [f"{c.name} {d.isoformat()}" for c, d in changes], thin)
    return result


# the keys of `record()`, in order: the CSV header of `kam health`, with or without accounts
RECORD_KEYS = ("account", "tier", "score", "band", *(k for d in DIMENSIONS for k in (d, f"{d}_points")), "base",
               "deductions", "deduction_reasons", "explanation", "tier_source")  # fmt: skip


def record(account: str, tier: str | None, result: HealthResult, tier_source: str | None = None) -> dict[str, Any]:
    """One flat record per account: the same keys in table, JSON and CSV; `tier` is the effective
    one, `tier_source` where it comes from (`set`, `revenue` or None)."""
    out: dict[str, Any] = {"account": account, "tier": tier, "score": result.score, "band": result.band}
    for d in DIMENSIONS:
        out[d] = result.inputs[d]
        out[f"{d}_points"] = result.points[d] if d in result.weights_used else None
    out["base"] = round_half_up(result.base, 2) if result.base is not None else None
    out["deductions"] = sum(d.points for d in result.deductions)
    out["deduction_reasons"] = [f"{d.reason} (−{_show(d.points)})" for d in result.deductions]
    out["explanation"] = result.explanation()
    out["tier_source"] = tier_source
    return out
