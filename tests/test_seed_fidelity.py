"""The shipped seeds cover each source document completely and cite it faithfully.

These checks read the sources and the raw YAML independently of the validator, so a validator bug
cannot hide a seed that drifted from its source.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.seeds import validate_seeds
from tests.factories import SEEDS

SOURCES = SEEDS / "sources"
FILES = {
    "daejeon": "daejeon-2026-pledges.yaml",
    "gwangju": "gwangju-seo-investment-plan.yaml",
    "daegu": "daegu-local-problems.yaml",
    "seoul": "seoul-mou-2023.yaml",
}


def _raw(name: str) -> dict[str, Any]:
    data = yaml.safe_load((SEEDS / FILES[name]).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _source_lines(doc: dict[str, Any]) -> list[str]:
    path: Path = SOURCES / doc["document"]["file"]
    return path.read_text(encoding="utf-8").split("\n")


def _span(value: Any) -> tuple[int, int]:
    first, _, last = str(value).partition("-")
    return int(first), int(last or first)


def _cited_lines(doc: dict[str, Any]) -> set[int]:
    lines: set[int] = set()
    for record in doc["commitments"]:
        first, last = _span(record["line"])
        lines.update(range(first, last + 1))
        for milestone in record.get("milestones", []):
            if "line" in milestone:
                first, last = _span(milestone["line"])
                lines.update(range(first, last + 1))
    return lines


def _figures(doc: dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    """(figure, cited line) for every number a seed record carries."""
    for row in doc.get("published_totals", []):
        yield from ((v, row["line"]) for v in row["cells"].values())
    for record in doc["commitments"]:
        if isinstance(record.get("budget"), dict):
            yield from ((v, record["line"]) for v in record["budget"].values() if v != "-")
        if "published_children" in record:
            yield record["published_children"]["count"], record["published_children"]["line"]
        for milestone in record.get("milestones", []):
            line = milestone.get("line", record["line"])
            for key in ("target", "target_max", "baseline", "planned_amount"):
                if key in milestone:
                    yield milestone[key], line
            for entry in milestone.get("progress", []):
                yield entry["value"], entry.get("line", line)
    for ref in doc.get("references", []):
        for holder in [ref, *ref["groups"]]:
            if "published_count" in holder:
                yield holder["published_count"], holder["line"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_figure_occurs_on_its_cited_source_line(name: str) -> None:
    doc = _raw(name)
    lines = _source_lines(doc)
    checked = 0
    for figure, cited in _figures(doc):
        first, last = _span(cited)
        text = re.sub(r"(?<=\d),(?=\d{3})", "", " ".join(lines[first - 1 : last]))
        number = str(figure).replace(",", "")
        assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text), (
            f"{figure} not on line {cited}: {text!r}"
        )
        checked += 1
    assert checked > 0


def test_shipped_seeds_pass_the_validator() -> None:
    bundle, _findings = validate_seeds([SEEDS])
    assert len(bundle.documents) == 4


def test_daejeon_every_area_strategy_flagship_pledge_and_item_has_a_record() -> None:
    doc = _raw("daejeon")
    lines = _source_lines(doc)
    cited = _cited_lines(doc)
    numbered = [n for n, text in enumerate(lines, 1) if n >= 44 and re.match(r"^(\d( .+)?|- .+)$", text)]
    expected = [*range(10, 19), 20, 21, 22, 26, 27, 28, 32, 33, 34, *numbered]
    assert [n for n in expected if n not in cited] == []
    kinds = [r["kind"] for r in doc["commitments"]]
    assert (kinds.count("area"), kinds.count("strategy"), kinds.count("flagship")) == (9, 3, 3)
    assert (kinds.count("pledge"), kinds.count("item")) == (34, 108)


def test_daejeon_numeric_targets_and_payments() -> None:
    milestones = {
        f"{r['code']}.{ms['key']}": ms
        for r in _raw("daejeon")["commitments"]
        for ms in r.get("milestones", [])
    }
    targets = {code: (ms["kind"], ms.get("target"), ms.get("unit")) for code, ms in milestones.items()}
    assert targets["DJ-9-3.youth-housing"] == ("quantity", 5000, "호")
    assert targets["DJ-1-3-2.ventures"] == ("quantity", 2000, "개")
    assert targets["DJ-9-2.startups"] == ("quantity", 1000, "개")
    assert targets["DJ-1-3-2.tech-transfer"] == ("quantity", 1000, "건")
    assert targets["DJ-1-3-3.global-firms"] == ("quantity", 10, "개")
    assert targets["DJ-6-4-3.centers"] == ("quantity", 8, "개")
    assert targets["DJ-6-7-1.weekend-hours"] == ("quantity", 60, "시간")
    assert milestones["DJ-6-4-1.established"]["kind"] == "completion"
    assert str(milestones["DJ-6-4-1.established"]["due"]) == "2030-12-31"
    payments = {
        code: (ms["target"], ms["cadence"]) for code, ms in milestones.items() if ms["kind"] == "payment"
    }
    assert payments["DJ-9-4-2.culture-voucher"] == (10, "yearly")
    assert payments["DJ-9-5-3.basic-income"] == (100, "yearly")
    assert payments["DJ-2-2-1.payment"] == (20, "once")
    quantity_due = {str(ms["due"]) for ms in milestones.values() if ms["kind"] == "quantity"}
    assert quantity_due == {"2030-06-30"}


def test_gwangju_every_table_line_has_a_record_with_its_code() -> None:
    doc = _raw("gwangju")
    lines = _source_lines(doc)
    codes = {m.group(1): n for n, text in enumerate(lines, 1) if (m := re.match(r"^(\d+(?:-\d+)+)\.", text))}
    records = {r["code"].removeprefix("SEOGU-"): _span(r["line"])[0] for r in doc["commitments"]}
    assert records == codes
    assert len(codes) == 62
    assert doc["published_totals"][0]["line"] == 21
    non_budget = [r["code"] for r in doc["commitments"] if r.get("budget") == "비예산"]
    assert non_budget == ["SEOGU-4-5-1", "SEOGU-4-5-2", "SEOGU-4-5-3", "SEOGU-5-3-1"]


def test_daegu_agendas_results_and_partner_institutions() -> None:
    doc = _raw("daegu")
    lines = _source_lines(doc)
    agendas = [r for r in doc["commitments"] if r["kind"] == "agenda"]
    assert len([r for r in agendas if r["parent"] == "DG-2021"]) == 5
    assert len([r for r in agendas if r["parent"] == "DG-2022"]) == 14
    reported = [e["value"] for r in agendas for ms in r.get("milestones", []) for e in ms.get("progress", [])]
    assert sorted(reported) == sorted([17, 13, 656, 78, 9, 8, 34, 65, 4, 15, 11, 3, 1, 6])
    names = [
        cell.strip()
        for text in lines[144:182]
        if "개)" not in text
        for cell in text.split("\t")
        if cell.strip()
    ]
    seeded = [i["name"] for g in doc["references"][0]["groups"] for i in g["items"]]
    assert seeded == names
    assert len(seeded) == 53


def test_seoul_both_agreements_every_area_and_schedule_item() -> None:
    doc = _raw("seoul")
    lines = _source_lines(doc)
    for agreement, line in (("SEOUL-SEJONG-2023", 25), ("SEOUL-DAEJEON-2023", 38)):
        inside = lines[line - 1].split("7개 분야(", 1)[1].rsplit(")에 대해", 1)[0]
        published = [area.strip() for area in inside.split("▲") if area.strip()]
        titles = [r["title"] for r in doc["commitments"] if r.get("parent") == agreement]
        assert titles == published
    agreements = {r["code"]: r for r in doc["commitments"] if r["kind"] == "agreement"}
    assert agreements["SEOUL-SEJONG-2023"]["parties"] == ["seoul", "sejong"]
    assert agreements["SEOUL-DAEJEON-2023"]["parties"] == ["seoul", "daejeon"]
    assert {70, 71, 72, 73, 74} <= _cited_lines(doc)
    expos = [ms["due"] for r in doc["commitments"] for ms in r.get("milestones", []) if "expo" in ms["key"]]
    assert [str(d) for d in expos] == ["2024-12-31", "2025-12-31"]


def test_sources_are_the_published_documents() -> None:
    """The digests of the four documents as published (../shared/seeds when this project started)."""
    digests = {
        "000_5d173ffc9f04f551.txt": "c8e361e2fe221f2f82637b0c8588fe48bda643262894d0cfbd8546ab7ae6d6b5",
        "001_fc25d9605dcb00c1.txt": "823d933e0dd825407032a8301f254def3434ef0f7cb743111f3d63450111a982",
        "002_7fc74de1de420957.txt": "4c421438bd738a12dd37b2d1296b7c1f4a9dcee3c0744eb6479c60d9a58a8363",
        "003_d86cdf688576ea86.txt": "62f968ccdfec6a03c43f13b2d0bad74b34d3df0863a80d50c51c3b08aac79250",
    }
    for name, digest in digests.items():
        assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == digest
    for name in FILES.values():
        document = yaml.safe_load((SEEDS / name).read_text(encoding="utf-8"))["document"]
        assert document["sha256"] == digests[document["file"]]


def test_decimal_figures_are_read_exactly() -> None:
    bundle, _ = validate_seeds([SEEDS / FILES["gwangju"]])
    record = next(r for d in bundle.documents for r in d.model.commitments if r.code == "SEOGU-3-3")
    assert isinstance(record.budget, dict)
    assert record.budget["2022~2023"] == Decimal("873.20")
