"""One vocabulary of states, counted the same everywhere: for every jurisdiction and instant, the `states`
of `report status` (its total row) and of `metrics` equal what `check` lists (achieved excluded); a parent
jurisdiction covers those below it."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.factories import load_shipped_seeds, migrated_engine, run_cli, sessions_for

PLACES = ("seoul", "sejong", "daejeon", "daegu", "gwangju", "gwangju-seo")
INSTANTS = ("2023-01-08T00:00", "2026-11-30T12:00", "2028-03-01", "2031-01-01")


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('states')}/monitor.sqlite3"
    engine = migrated_engine(url)
    load_shipped_seeds(sessions_for(engine))
    engine.dispose()
    return url


def _json(url: str, *args: str) -> object:
    result = run_cli([*args, "--format", "json"], db_url=url)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("as_of", INSTANTS)
def test_status_metrics_and_check_count_the_same_states(seeded_url: str, as_of: str) -> None:
    for place in PLACES:
        checked = _json(seeded_url, "check", "--as-of", as_of, "--jurisdiction", place)
        assert isinstance(checked, list)
        expected = Counter(row["state"] for row in checked if row["state"] != "achieved")
        status = _json(seeded_url, "report", "status", "--as-of", as_of, "--jurisdiction", place)
        assert isinstance(status, dict)
        total = next(r for r in status["rows"] if r["jurisdiction"] == place and r["is_total"])
        metrics = _json(seeded_url, "metrics", "--as-of", as_of, "--jurisdiction", place)
        assert isinstance(metrics, list)
        row = next(r for r in metrics if r["jurisdiction"] == place and r["category"] is None)
        for counted in (total["states"], row["states"]):
            assert {k: v for k, v in counted.items() if v} == dict(expected), (place, as_of)
            assert "achieved" not in counted


def test_a_city_covers_its_district(seeded_url: str) -> None:
    city = _json(seeded_url, "check", "--as-of", "2026-11-30T12:00", "--jurisdiction", "gwangju")
    district = _json(seeded_url, "check", "--as-of", "2026-11-30T12:00", "--jurisdiction", "gwangju-seo")
    assert isinstance(city, list) and isinstance(district, list)
    assert district and city == district  # the city has no pledges of its own: all of them are Seo-gu's
    table = run_cli(["check", "--as-of", "2026-11-30T12:00", "--jurisdiction", "gwangju"], db_url=seeded_url)
    assert "포함된 지자체: 광주광역시, 광주광역시 서구" in table.stdout


def test_pledges_agendas_and_agreements_are_counted_apart(seeded_url: str) -> None:
    metrics = _json(seeded_url, "metrics", "--as-of", "2026-11-30T12:00", "--jurisdiction", "daejeon")
    assert isinstance(metrics, list)
    daejeon = next(r for r in metrics if r["jurisdiction"] == "daejeon")
    assert (daejeon["pledges"], daejeon["agendas"], daejeon["agreements"]) == (37, 0, 7)
    daegu = _json(seeded_url, "metrics", "--as-of", "2026-11-30T12:00", "--jurisdiction", "daegu")
    assert isinstance(daegu, list) and daegu[0]["pledges"] == 0 and daegu[0]["agendas"] > 0
