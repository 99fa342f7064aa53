"""The YAML configuration: every key documented with its default, errors that name the key."""

from __future__ import annotations

import dataclasses

import pytest

from keyaccount_cli.config import Config, load_config
from keyaccount_cli.errors import KamError

from .conftest import ROOT


def test_the_example_config_lists_every_key_with_its_default():
    cfg = load_config(ROOT / "examples" / "kam.yaml")
    assert dataclasses.replace(cfg, source=None) == Config()
    text = (ROOT / "examples" / "kam.yaml").read_text(encoding="utf-8")
    for f in dataclasses.fields(Config):
        if f.name != "source":
            assert f"\n{f.name}:" in text, f.name


def test_a_partial_mapping_keeps_the_other_defaults(tmp_path):
    path = tmp_path / "kam.yaml"
    path.write_text("health:\n  weights:\n    usage: 50\n  bands: {yellow: 80}\ntiers:\n  key: {cadence_days: 21}\n")
    cfg = load_config(path)
    assert cfg.health["weights"] == {"usage": 50, "renewal_intent": 30, "p1_tickets": 20, "nps": 20}
    assert cfg.health["bands"] == {"red": 60, "yellow": 80}
    assert cfg.tiers["key"] == {"min_revenue": 3_000_000, "cadence_days": 21}
    assert cfg.scorecard.yellow_below == 80 and cfg.policy.cadence("key") == 21


@pytest.mark.parametrize(("text", "words"), [
    ("health:\n  weights:\n    usag: 30\n", "unknown key 'health.weights.usag'"),
    ("health:\n  weights:\n    usage: lots\n", "health.weights.usage must be a number, got 'lots'"),
    ("health:\n  points:\n    nps:\n      - {minimum: 9, points: 10}\n", "unknown key 'health.points.nps[0].minimum'"),
    ("health:\n  points:\n    nps:\n      - {min: 9}\n", "health.points.nps[0] needs points"),
    ("health:\n  key_people: {months: 1.5}\n", "health.key_people.months must be a whole number"),
    ("tiers:\n  platinum: {cadence_days: 3}\n", "unknown key 'tiers.platinum'"),
    ("tiers:\n  key: {cadence_days: 0}\n", "tiers.key.cadence_days must be at least 1"),
    ("min_amount: true\n", "min_amount must be a number"),
    ("closed_stages: won\n", "closed_stages must be a list"),
    ("step_deadlines:\n  goodbye: 3\n", "unknown key 'step_deadlines.goodbye'"),
    ("health:\n  bands: {red: 80, yellow: 70}\n", "health.bands.red must not be above"),
    ("health:\n  weights: {usage: 0, renewal_intent: 0, p1_tickets: 0, nps: 0}\n", "at least one weight"),
    ("aliases:\n  tier:\n    platinum: [白金]\n", "unknown value 'platinum'"),
])  # fmt: skip
def test_config_errors_name_the_key(tmp_path, text, words):
    path = tmp_path / "kam.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KamError) as info:
        load_config(path)
    assert words in str(info.value) and str(path) in str(info.value)


def test_a_config_error_through_the_cli_exits_2_with_one_line(kam, tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("health:\n  weights:\n    usage: lots\n")
    kam("add", "ACME", "A")
    result = kam("--config", str(cfg), "check")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"kam: config {cfg}: health.weights.usage must be a number, got 'lots'"
