"""Config values are checked before any command runs: every number finite and in its range,
every extra alias meaning exactly one value; a bad value is one line naming the file and key, exit 2."""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT


@pytest.fixture
def config(tmp_path):
    def write(text: str):
        path = tmp_path / "kam.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def rejected(kam, path, *command: str) -> str:
    """The one line a command prints for a bad config (exit 2, nothing on stdout)."""
    result = kam("--config", path, *(command or ("check",)))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    prefix = f"kam: config {path}: "
    assert result.stderr.startswith(prefix), result.stderr
    return result.stderr.strip().removeprefix(prefix)


@pytest.mark.parametrize(("text", "message"), [
    ("health:\n  weights:\n    usage: .inf\n", "health.weights.usage must be a finite number from 0 to 1,000, got .inf"),
    ("health:\n  weights:\n    nps: .nan\n", "health.weights.nps must be a finite number from 0 to 1,000, got .nan"),
    ("health:\n  weights:\n    usage: 1e400\n",
     "health.weights.usage must be a finite number from 0 to 1,000, got 1e400"),
    ("min_amount: 1.0e+400\n", "min_amount must be a finite number from 0 to 1,000,000,000,000,000, got 1.0e+400"),
    ("min_amount: 1" + "0" * 400 + "\n", "min_amount must be at most 1,000,000,000,000,000, got 10000000… (401 digits)"),
    ("health:\n  bands: {red: .nan}\n", "health.bands.red must be a finite number from 0 to 100, got .nan"),
    ("health:\n  low: -.inf\n", "health.low must be a finite number from 0 to 100, got -.inf"),
    ("health:\n  points:\n    nps:\n      - {min: .nan, points: 10}\n      - {points: 1}\n",
     "health.points.nps[0].min must be a finite number from -1,000,000,000 to 1,000,000,000, got .nan"),
    ("health:\n  points:\n    usage:\n      - {points: .inf}\n",
     "health.points.usage[0].points must be a finite number from 0 to 10, got .inf"),
])  # fmt: skip
def test_infinite_nan_and_huge_numbers_are_errors_naming_the_key(kam, config, text, message):
    kam("add", "ACME", "A")
    assert rejected(kam, config(text)) == message


@pytest.mark.parametrize(("text", "message"), [
    ("health:\n  key_people: {months: -6}\n", "health.key_people.months must be at least 1, got -6"),
    ("health:\n  key_people: {months: 100000000}\n", "health.key_people.months must be at most 120, got 100000000"),
    ("step_deadlines:\n  first_meeting: -99999999\n", "step_deadlines.first_meeting must be at least -3,650, got -99999999"),
    ("tiers:\n  key: {cadence_days: 99999999}\n", "tiers.key.cadence_days must be at most 3,650, got 99999999"),
    ("due: 99999999d\n", "due must be at most 3650d (ten years), got '99999999d'"),
    ("due: soon\n", "due must be a window like 30d, 2w or 3m, or a date YYYY-MM-DD, got 'soon'"),
    ("health:\n  weights: {usage: -30}\n", "health.weights.usage must be at least 0, got -30"),
    ("health:\n  points:\n    renewal_intent: {proactive: 50}\n",
     "health.points.renewal_intent.proactive must be at most 10, got 50"),
    ("health:\n  coverage_deduction: 1000\n", "health.coverage_deduction must be at most 100, got 1000"),
    ("health:\n  bands: {yellow: 150}\n", "health.bands.yellow must be at most 100, got 150"),
    ("health:\n  weights: {usage: 0, renewal_intent: 0, p1_tickets: 0, nps: 0}\n",
     "health.weights: at least one weight must be above 0"),
    ("health:\n  bands: {red: 80, yellow: 70}\n", "health.bands.red must not be above health.bands.yellow"),
    ("health:\n  points:\n    usage:\n      - {min: 80, max: 50, points: 10}\n      - {points: 3}\n",
     "health.points.usage[0]: min 80 and max 50 leave no value, so the rule never holds"),
    ("health:\n  points:\n    nps:\n      - {above: 7, below: 7, points: 10}\n      - {points: 1}\n",
     "health.points.nps[0]: above 7 and below 7 leave no value, so the rule never holds"),
])  # fmt: skip
def test_numbers_out_of_range_and_bands_out_of_order_are_errors_naming_the_key(kam, config, text, message):
    kam("add", "ACME", "A")
    assert rejected(kam, config(text), "health") == message


@pytest.mark.parametrize(("text", "message"), [
    ("aliases:\n  attitude:\n    support: [opposed]\n",
     "aliases.attitude.support: 'opposed' is already the attitude value 'opposed'; it cannot also mean 'support'"),
    ("aliases:\n  attitude:\n    support: [Opposed]\n",
     "aliases.attitude.support: 'Opposed' is already the attitude value 'opposed'; it cannot also mean 'support'"),
    ("aliases:\n  attitude:\n    support: [反对]\n",
     "aliases.attitude.support: '反对' is already a built-in alias of 'opposed'; it cannot also mean 'support'"),
    ("aliases:\n  tier:\n    key: [成长型]\n    strategic: [成长型]\n",
     "aliases.tier.strategic: '成长型' is already an alias of 'key' (aliases.tier.key); it cannot also mean 'strategic'"),
    ("aliases:\n  attitude:\n    support: [champion]\n",
     "aliases.attitude.support: 'champion' is a roles value; an alias cannot be another field's value"),
    ("aliases:\n  attitude:\n    support: [+1]\n", "aliases.attitude.support[0] must be a word (quote a number), got 1"),
    ("aliases:\n  attitude:\n    support: ['  ']\n", "aliases.attitude.support[0] must be a word (quote a number), got '  '"),
    ("aliases:\n  attitudes:\n    support: [温和支持]\n", "aliases: unknown vocabulary 'attitudes' (known: roles, "
     "decision_power, attitude, concerns, status, change_risk, change_kind, relation_kind, tier, renewal_intent, "
     "interaction_kind, account_status, team_role)"),
    ("aliases:\n  attitude:\n    supportive: [温和支持]\n", "aliases.attitude: unknown value 'supportive' (known: "
     "strong_support, support, neutral, reserved, opposed)"),
])  # fmt: skip
def test_an_alias_that_already_means_something_else_is_an_error_naming_both(kam, config, text, message):
    kam("add", "ACME", "A")
    assert rejected(kam, config(text)) == message


def test_an_alias_that_repeats_its_own_value_is_harmless(kam, config):
    path = config("aliases:\n  attitude:\n    support: [Support, supportive, 温和支持]\n")
    assert kam("--config", path, "add", "ACME", "A", "--attitude", "温和支持").exit_code == 0
    assert kam("--config", path, "add", "ACME", "B", "--attitude", "opposed").exit_code == 0
    rows = {r["name"]: r["attitude"] for r in _json(kam("--config", path, "contacts", "ACME", "--format", "json"))}
    assert rows == {"A": "support", "B": "opposed"}


@pytest.mark.parametrize("command", [
    ("check",), ("health",), ("report",), ("accounts",), ("contacts", "ACME"), ("map", "ACME"), ("db",),
    ("export", "contacts"), ("add", "ACME", "B"),
])  # fmt: skip
def test_every_command_that_loads_the_config_refuses_a_bad_value(kam, config, command):
    kam("add", "ACME", "A")
    path = config("health:\n  low: .nan\n")
    assert rejected(kam, path, *command) == "health.low must be a finite number from 0 to 100, got .nan"


def test_an_import_with_a_bad_config_writes_nothing(kam, config, write_csv, isolated_db):
    csv = write_csv("account,name,attitude\nACME,A,opposed\n")
    path = config("aliases:\n  attitude:\n    support: [opposed]\n")
    assert rejected(kam, path, "import", csv).startswith("aliases.attitude.support: 'opposed'")
    assert not isolated_db.exists() or isolated_db.count("contacts") == 0


def test_the_example_config_loads_and_1e6_is_a_number(kam, config):
    kam("add", "ACME", "A")
    result = kam("--config", ROOT / "examples" / "kam.yaml", "health")
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    result = kam("--config", config("min_amount: 5e5\n"), "report")
    assert result.exit_code == 0, result.stderr
    assert "at least 500,000" in result.stdout


def _json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)
