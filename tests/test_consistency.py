"""Consistency findings: published tables that do not add up, facts stated twice differently."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from monitor.seeds import validate_seeds
from monitor.seeds.consistency import Finding
from tests.factories import MINI_BUDGET, MINI_COMMITMENTS, MINI_SOURCE, SEEDS, mini_seeds, run_cli


def _findings(folder: Path) -> list[Finding]:
    return validate_seeds([folder])[1]


def test_shipped_seeds_report_the_published_inconsistencies() -> None:
    found = {(f.rule, f.column, f.published, f.computed, f.difference, f.source) for f in _findings(SEEDS)}
    assert found == {
        ("budget_row_total", "총계", "124667.42", "124667.16", "-0.26", "002_7fc74de1de420957.txt:21"),
        (
            "budget_published_total",
            "2022~2023",
            "57421.4",
            "57421.35",
            "-0.05",
            "002_7fc74de1de420957.txt:21",
        ),
        ("budget_published_total", "2025", "24348", "24348.31", "0.31", "002_7fc74de1de420957.txt:21"),
        (
            "conflicting_statement",
            "end",
            "2023-04-10 11:40+0900 (003_d86cdf688576ea86.txt:72)",
            "2023-04-10 11:30+0900 (003_d86cdf688576ea86.txt:60)",
            "-10 min",
            "003_d86cdf688576ea86.txt:60",
        ),
        (
            "conflicting_statement",
            "description",
            "지역유희공간을 활용한 청년 창업 및 주민 커뮤니티 조성 (001_fc25d9605dcb00c1.txt:193-196)",
            "지역유휴공간을 활용한 청년 창업 및 주민 커뮤니티 조성 (001_fc25d9605dcb00c1.txt:249)",
            None,
            "001_fc25d9605dcb00c1.txt:249",
        ),
    }


def test_top_level_finding_names_every_line_it_added() -> None:
    finding = next(f for f in _findings(SEEDS) if f.rule == "budget_published_total")
    assert finding.records[0] == "총계"
    assert len(finding.records) == 1 + 21
    assert "SEOGU-4-2" in finding.records and "SEOGU-4-1-1" not in finding.records


def test_line_whose_years_do_not_add_up_to_its_total(tmp_path: Path) -> None:
    source = MINI_SOURCE.replace("2-1.둘째 사업 50 20 30", "2-1.둘째 사업 55 20 30")
    body = MINI_BUDGET + MINI_COMMITMENTS.replace("budget: {총계: 50,", "budget: {총계: 55,")
    [finding] = [f for f in _findings(mini_seeds(tmp_path, body, source)) if f.rule == "budget_row_total"]
    assert (finding.records, finding.published, finding.computed, finding.difference) == (
        ("T-2-1",),
        "55",
        "50",
        "-5",
    )


def test_children_that_do_not_add_up_to_their_parent(tmp_path: Path) -> None:
    source = MINI_SOURCE.replace("1-1-2.둘째 세부 30 20 10", "1-1-2.둘째 세부 31 21 10")
    body = MINI_BUDGET + MINI_COMMITMENTS.replace('{총계: 30, "2024": 20,', '{총계: 31, "2024": 21,')
    findings = [f for f in _findings(mini_seeds(tmp_path, body, source)) if f.rule == "budget_children"]
    assert {(f.column, f.published, f.computed, f.difference) for f in findings} == {
        ("총계", "100", "101", "1"),
        ("2024", "60", "61", "1"),
    }
    assert findings[0].records == ("T-1-1", "T-1-1-1", "T-1-1-2")


def test_top_level_lines_against_the_published_total_row_per_column(tmp_path: Path) -> None:
    source = MINI_SOURCE.replace("총 계 150 80 70", "총 계 150 80 75")
    body = MINI_BUDGET.replace('"2025": 70}', '"2025": 75}') + MINI_COMMITMENTS
    findings = _findings(mini_seeds(tmp_path, body, source))
    assert {(f.rule, f.column, f.published, f.computed) for f in findings} == {
        ("budget_row_total", "총계", "150", "155"),
        ("budget_published_total", "2025", "75", "70"),
    }


def test_decimal_sums_are_exact(tmp_path: Path) -> None:
    source = "1-1.가 0.3 0.1 0.2\n총 계 0.3 0.1 0.2\n"
    body = """budget_columns:
  - {label: "2024", years: [2024, 2024], due: 2024-12-31}
  - {label: "2025", years: [2025, 2025], due: 2025-12-31}
published_totals:
  - {label: 총계, line: 2, cells: {총계: 0.3, "2024": 0.1, "2025": 0.2}}
commitments:
  - {code: T-1-1, kind: pledge, line: 1, title: 가, budget: {총계: 0.3, "2024": 0.1, "2025": 0.2}}
"""
    assert _findings(mini_seeds(tmp_path, body, source)) == []
    assert 0.1 + 0.2 != 0.3  # what floats would have reported
    assert Decimal("0.1") + Decimal("0.2") == Decimal("0.3")


def test_published_count_against_listed_records(tmp_path: Path) -> None:
    source = "협약 (3개 분야)\n가\n나\n"
    body = """commitments:
  - {code: A, kind: agreement, line: 1, title: 협약, published_children: {count: 3, line: 1}}
  - {code: A-1, parent: A, kind: agreement_area, line: 2, title: 가}
  - {code: A-2, parent: A, kind: agreement_area, line: 3, title: 나}
"""
    [finding] = _findings(mini_seeds(tmp_path, body, source))
    assert (finding.rule, finding.records, finding.published, finding.computed) == (
        "published_count",
        ("A",),
        "3",
        "2",
    )


def test_validate_json_carries_records_and_figures() -> None:
    result = run_cli(["validate", str(SEEDS), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["files"], data["commitments"], data["milestones"], data["problems"]) == (4, 259, 277, [])
    row_total = next(f for f in data["findings"] if f["rule"] == "budget_row_total")
    assert row_total["records"] == ["총계"]
    assert (row_total["published"], row_total["computed"], row_total["difference"]) == (
        "124667.42",
        "124667.16",
        "-0.26",
    )
    assert (
        row_total["message"]
        == "총계: 연차별 금액 합계 124,667.16이 공표된 총계 124,667.42와 다릅니다 (차이 -0.26)"
    )


def test_findings_do_not_fail_validation_unless_strict() -> None:
    assert run_cli(["validate", str(SEEDS)]).exit_code == 0
    strict = run_cli(["validate", str(SEEDS), "--strict"])
    assert strict.exit_code == 1
    assert "[공표 총계 불일치]" in strict.stdout
