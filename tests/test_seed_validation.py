"""Schema problems stop a load with file:line messages, and nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db import models as m
from monitor.errors import SeedError
from monitor.seeds import load_seeds, validate_seeds
from tests.factories import (
    MINI_BUDGET,
    MINI_COMMITMENTS,
    NOW,
    REPO,
    SEEDS,
    SEOUL,
    migrated_engine,
    mini_seeds,
    run_cli,
    sessions_for,
)


def _problems(folder: Path) -> list[str]:
    with pytest.raises(SeedError) as caught:
        validate_seeds([folder])
    return caught.value.problems


def _mini_with(tmp_path: Path, old: str, new: str) -> Path:
    body = MINI_BUDGET + MINI_COMMITMENTS
    assert old in body
    return mini_seeds(tmp_path, body.replace(old, new))


def test_mini_seed_is_valid(tmp_path: Path) -> None:
    bundle, findings = validate_seeds([mini_seeds(tmp_path)])
    assert [r.code for _, r in bundle.commitments()] == ["T-1-1", "T-1-1-1", "T-1-1-2", "T-2-1", "T-3"]
    assert findings == []


def test_missing_field_names_file_line_and_field(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "kind: pledge, line: 5, title: 둘째 사업,", "kind: pledge, line: 5,")
    assert _problems(folder) == [f"{folder}/mini.yaml:16: commitments[3].title: Field required"]


def test_bad_date_names_its_line(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "due: 2030-06-30}", "due: 2030-06-31}")
    [problem] = _problems(folder)
    assert problem == f"{folder}/mini.yaml:22: bad date '2030-06-31' (day is out of range for month)"


def test_duplicate_code_points_at_the_first(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "code: T-2-1,", "code: T-1-1-2,")
    assert _problems(folder) == [
        f"{folder}/mini.yaml:16: duplicate code 'T-1-1-2' (first at {folder}/mini.yaml:15)"
    ]


def test_unknown_parent(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "parent: T-1-1, kind: item, line: 4", "parent: T-9, kind: item, line: 4")
    assert _problems(folder) == [f"{folder}/mini.yaml:15: parent: unknown parent code 'T-9'"]


def test_unknown_unit(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "unit: 호", "unit: 채")
    [problem] = _problems(folder)
    assert problem.startswith(f"{folder}/mini.yaml:22: commitments[4].milestones[0]: unknown unit '채'")


def test_unknown_jurisdiction_and_parent_cycle(tmp_path: Path) -> None:
    body = MINI_BUDGET + MINI_COMMITMENTS.replace(
        "code: T-1-1, kind: pledge", "code: T-1-1, parent: T-1-1-1, kind: pledge"
    )
    folder = mini_seeds(
        tmp_path, body.replace("kind: pledge, line: 5,", "kind: pledge, jurisdiction: atlantis, line: 5,")
    )
    problems = _problems(folder)
    assert any("unknown jurisdiction 'atlantis'" in p and ":16:" in p for p in problems)
    assert any("T-1-1 is its own ancestor" in p for p in problems)


def test_figure_not_on_cited_line_is_a_problem(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "target: 5000", "target: 6000")
    assert _problems(folder) == [f"{folder}/mini.yaml:22: 6000 is not on the cited line mini.txt:7"]


def test_title_not_on_cited_line_is_a_problem(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "line: 5, title: 둘째 사업", "line: 4, title: 둘째 사업")
    problems = _problems(folder)
    assert f"{folder}/mini.yaml:16: '둘째 사업' is not on the cited line mini.txt:4" in problems


def test_line_past_end_of_source(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "line: 7\n", "line: 70\n")
    assert _problems(folder) == [
        f"{folder}/mini.yaml:17: line 70 is past the end of mini.txt (10 lines)",
        f"{folder}/mini.yaml:22: line 70 is past the end of mini.txt (10 lines)",
    ]


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "  - code: T-3\n", "  - code: T-3\n   bad: [\n")
    [problem] = _problems(folder)
    assert problem.startswith(f"{folder}/mini.yaml:") and "YAML syntax" in problem


def test_edited_source_is_detected_by_its_digest(tmp_path: Path) -> None:
    folder = mini_seeds(tmp_path)
    header = (folder / "mini.yaml").read_text(encoding="utf-8")
    (folder / "mini.yaml").write_text(
        header.replace("publisher: 시험시", "publisher: 시험시\n  sha256: '" + "0" * 64 + "'"),
        encoding="utf-8",
    )
    [problem] = _problems(folder)
    assert "is not the text this seed cites" in problem


def test_failed_load_writes_nothing(tmp_path: Path, sqlite_url: str) -> None:
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_seeds(sessions, [mini_seeds(tmp_path / "good")], SEOUL, NOW)
    bad = _mini_with(tmp_path / "bad", "title: 첫째 사업,", "title: 첫째 사업 (개정),").parent
    (bad / "seeds" / "mini.yaml").write_text(
        (bad / "seeds" / "mini.yaml").read_text(encoding="utf-8").replace("unit: 호", "unit: 채"),
        encoding="utf-8",
    )
    with pytest.raises(SeedError):
        load_seeds(sessions, [bad / "seeds"], SEOUL, NOW)
    with sessions() as session:
        assert session.scalar(select(m.Commitment.title).where(m.Commitment.code == "T-1-1")) == "첫째 사업"
        assert session.scalar(select(func.count()).select_from(m.Milestone)) == 9
    engine.dispose()


def test_cli_validate_prints_file_line_errors_and_exits_1(tmp_path: Path) -> None:
    folder = _mini_with(tmp_path, "unit: 호", "unit: 채")
    result = run_cli(["--lang", "en", "validate", str(folder)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {folder}/mini.yaml:22: ")
    assert lines[-1] == "error: 1 problem in the seed files; nothing was written. Fix them and run again."
    assert "Traceback" not in result.output


def test_cli_validate_json_lists_problems(tmp_path: Path) -> None:
    import json

    folder = _mini_with(tmp_path, "unit: 호", "unit: 채")
    result = run_cli(["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"][0].startswith(f"{folder}/mini.yaml:22:")


def test_cli_validate_heads_each_finding_with_its_kind_in_korean_and_its_file_line() -> None:
    result = run_cli(["validate", str(SEEDS)])
    assert result.exit_code == 0
    heads = [line for line in result.stdout.splitlines() if line.startswith("- [")]
    assert heads == [
        "- [문서 내 상충 기재] 001_fc25d9605dcb00c1.txt:249",
        "- [연차 합계와 총계 불일치] 002_7fc74de1de420957.txt:21",
        "- [공표 총계 불일치] 002_7fc74de1de420957.txt:21",
        "- [공표 총계 불일치] 002_7fc74de1de420957.txt:21",
        "- [문서 내 상충 기재] 003_d86cdf688576ea86.txt:60",
    ]
    assert "conflicting_statement" not in result.stdout and "budget_row_total" not in result.stdout
    english = run_cli(["--lang", "en", "validate", str(SEEDS)]).stdout
    assert [line for line in english.splitlines() if line.startswith("- [")][:3] == [
        "- [conflicting statement] 001_fc25d9605dcb00c1.txt:249",
        "- [year columns vs. total] 002_7fc74de1de420957.txt:21",
        "- [published total] 002_7fc74de1de420957.txt:21",
    ]
    rules = [
        f["rule"]
        for f in json.loads(run_cli(["validate", str(SEEDS), "--format", "json"]).stdout)["findings"]
    ]
    assert rules[:2] == ["conflicting_statement", "budget_row_total"]  # JSON keeps the rule keys


def test_every_consistency_check_kind_has_a_korean_and_an_english_label() -> None:
    from monitor.i18n import finding_label
    from monitor.seeds.consistency import RULES

    korean = [finding_label(rule, "ko") for rule in RULES]
    assert korean == [
        "연차 합계와 총계 불일치",
        "하위 사업 합계 불일치",
        "공표 총계 불일치",
        "문서 내 상충 기재",
        "공표 개수 불일치",
    ]
    assert all(finding_label(rule, "en") not in RULES for rule in RULES)


# ── Hostile seed files (issue 12): refused at a line, without a traceback, before they cost memory.

LAUGHS = "".join(
    f"      a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)  # 10^9 scalars once expanded


def _with_attributes(tmp_path: Path, attributes: str) -> Path:
    """The mini seed, its block-style commitment T-3 given these `attributes:` lines."""
    title = "    title: 청년주택 5,000호 공급\n"
    return _mini_with(tmp_path, title, title + "    attributes:\n" + attributes)


def _run_capped(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess under a 1 GiB address-space cap: a regression fails, not the machine."""
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
        "from monitor.cli import main; sys.argv = ['monitor', *sys.argv[1:]]; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_an_alias_bomb_under_attributes_fails_validate_at_its_line(tmp_path: Path) -> None:
    folder = _with_attributes(tmp_path, "      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + LAUGHS)
    [problem] = _problems(folder)
    assert problem.startswith(f"{folder}/mini.yaml:")
    assert problem.endswith(": aliases expand to more than 100,000 nodes (an alias bomb?)")
    line = int(problem.split(":")[1])
    assert "a4: &a4" in (folder / "mini.yaml").read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_long_string_repeated_by_aliases_is_an_alias_bomb_too(tmp_path: Path) -> None:
    """Few nodes, many bytes: a 1 MB string anchored once and aliased 50,000 times would be 50 GB once
    constructed (and serialised); it is weighed by its length and refused at its line."""
    text = "x" * 1_000_000
    folder = _with_attributes(tmp_path, f"      s: &s {text}\n      many: [{', '.join(['*s'] * 50_000)}]\n")
    [problem] = _problems(folder)
    assert problem.endswith(": aliases expand to more than 100,000 nodes (an alias bomb?)")


def test_a_number_of_thousands_of_digits_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = _with_attributes(tmp_path, f"      huge: {'9' * 5000}\n")
    [problem] = _problems(folder)
    assert problem.endswith("… is not a number within the limits") and "Traceback" not in problem


def test_a_few_aliases_are_still_read(tmp_path: Path) -> None:
    folder = _with_attributes(tmp_path, "      a0: &a0 [x, y]\n      a1: [*a0, *a0]\n")
    bundle, _findings = validate_seeds([folder])
    [first] = [r for _, r in bundle.commitments() if r.code == "T-3"]
    assert first.attributes["a1"] == [["x", "y"], ["x", "y"]]


def test_the_cli_refuses_an_alias_bomb_and_deep_nesting_in_one_line_under_a_memory_cap(
    tmp_path: Path,
) -> None:
    bomb = _with_attributes(tmp_path / "bomb", "      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + LAUGHS)
    deep = _with_attributes(tmp_path / "deep", "      deep: " + "[" * 50_000 + "]" * 50_000 + "\n")
    env = {
        **os.environ,
        "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}",
        "PYTHONPATH": str(REPO),
    }
    assert _run_capped(["init"], tmp_path, env).returncode == 0
    for folder, says in (
        (bomb, "aliases expand to more than 100,000 nodes"),
        (deep, "nested deeper than 50 levels"),
    ):
        for command in (["validate", str(folder)], ["seed", str(folder)]):
            result = _run_capped(command, tmp_path, env)
            assert result.returncode == 1, (command, result.stderr[-2000:])
            assert says in result.stderr and "Traceback" not in result.stderr
            assert "MemoryError" not in result.stderr and "RecursionError" not in result.stderr
            assert result.stderr.splitlines()[-1] == (
                "오류: 시드 파일에 문제가 1건 있어 아무것도 쓰지 않았습니다. 고친 뒤 다시 실행하세요."
            )


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("due: 2030-06-30}", "due: 9999-12-31}", "due: date 9999-12-31 is outside 1990-01-01 … 2100-12-31"),
        ("due: 2030-06-30}", "due: 1989-12-31}", "due: date 1989-12-31 is outside 1990-01-01 … 2100-12-31"),
    ],
)
def test_a_date_outside_the_range_fails_validate_not_the_load(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    [problem] = _problems(_mini_with(tmp_path, old, new))
    assert problem.endswith(says)


@pytest.mark.parametrize("number", [".inf", "-.inf", ".nan", ".NaN", "1e999999"])
def test_a_non_finite_or_huge_target_fails_validate_at_its_line(tmp_path: Path, number: str) -> None:
    folder = _mini_with(tmp_path, "target: 5000", f"target: {number}")
    [problem] = _problems(folder)
    assert problem.startswith(f"{folder}/mini.yaml:22: ")
    assert "not a finite number" in problem or "is outside" in problem


def test_a_seed_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    folder = mini_seeds(tmp_path)
    with (folder / "mini.yaml").open("a", encoding="utf-8") as out:
        out.write("# " + "x" * (5 << 20) + "\n")
    [problem] = _problems(folder)
    assert problem.endswith("mini.yaml:1: file is 5.0 MiB, larger than the 5 MiB a seed file may be")
