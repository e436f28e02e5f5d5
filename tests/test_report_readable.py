"""What a reader of a report sees (issue 11, point 8): one item per Markdown bullet, a fully executed
tranche called done rather than counted down, every amount with its unit, no stored keys or
machine timestamps in the text. Reports come from the real command line on the shipped seeds."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from hashlib import sha256
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factories import NOW, copy_seeds, log, migrated_engine, run_cli, sessions_for

AS_OF = "2026-11-22T12:00"
AMOUNT = r"-?[\d,]+(?:\.\d+)?"  # a figure as reports print it: thousands separators, digits as published
MILLION_KO = re.compile(rf"^{AMOUNT}백만원$")
MILLION_EN = re.compile(rf"^{AMOUNT} million KRW$")
CARD_FACTS_KO = ("공식 상태", "종류", "분야", "당사자", "공약 주체", "기간", "계획", "출처")


@pytest.fixture
def reported(sqlite_url: str) -> str:
    """The shipped seeds, with SEOGU-1-1's 2024 tranche executed in full (515 of 515 백만원), an item's
    2022~2023 tranche partly executed with a note over two lines and two evidence links, and an official
    status for SEOGU-1-1."""
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    entered = NOW - timedelta(days=2)
    log(sessions, "SEOGU-1-1.2024", entered, executed=Decimal(515), as_of=date(2025, 1, 31), by="담당")
    log(
        sessions,
        "SEOGU-1-1-1.2022-2023",
        entered,
        executed=Decimal(100),
        secured=Decimal(200),
        note="1차 집행\n나머지는 이월",
        evidence=["https://gwangju-seo.example/a", "https://gwangju-seo.example/b"],
        by="담당",
    )
    log(sessions, "SEOGU-1-1", entered + timedelta(hours=1), status="정상추진", note="분기 점검", by="담당")
    engine.dispose()
    return sqlite_url


def _report(db_url: str, *args: str, lang: str = "ko") -> str:
    result = run_cli(["--lang", lang, "report", *args, "--as-of", AS_OF], db_url=db_url)
    assert result.exit_code == 0, result.output
    return result.stdout


def _section(markdown: str, heading: str) -> list[str]:
    """The non-empty lines under a `## heading`, up to the next heading."""
    lines = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0].splitlines()
    return [line for line in lines if line.strip()]


def _row(markdown: str, *cells: str) -> list[str]:
    """The one table row whose first cells are `cells`, split into its cells."""
    rows = [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in markdown.splitlines()
        if line.startswith("| ")
    ]
    [row] = [row for row in rows if row[: len(cells)] == list(cells)]
    return row


def test_card_markdown_puts_every_bullet_on_its_own_line(reported: str) -> None:
    card = _report(reported, "card", "SEOGU-1-1", "--format", "md")
    facts = card.split("\n\n", 2)[2].split("\n\n## ", 1)[0].splitlines()
    assert all(line.startswith("- ") for line in facts), facts
    assert [line[2:].split(": ", 1)[0] for line in facts] == list(CARD_FACTS_KO)
    assert "- 당사자: 광주광역시 서구" in facts and "- 기간: 2022-07-01 ~ 2026-06-30" in facts
    states = _section(card, "현재 점검 상태")
    assert all(line.startswith("- **") and line.count("`") == 2 for line in states), states
    history = _section(card, "진행 보고·공식 상태 이력")
    bullets = [line for line in history if line.startswith("- ")]
    assert len(bullets) == 3 and len(history) == 6  # each entry: its bullet, then one indented line
    for bullet, detail in zip(history[::2], history[1::2], strict=True):
        assert bullet.startswith("- **") and len(re.findall(r"`[PS]\d+`", bullet)) == 1, bullet
        assert detail.startswith("  담당 · 명령줄 · 입력 시각 "), detail
    assert history[3].endswith(
        " · 1차 집행 나머지는 이월 · <https://gwangju-seo.example/a> · <https://gwangju-seo.example/b>"
    )


def test_budget_report_calls_a_fully_executed_tranche_done_instead_of_counting_days(
    sqlite_url: str,
) -> None:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    added = run_cli(["officials", "add", "--name", "담당", "--jurisdiction", "gwangju-seo"], sqlite_url)
    assert added.exit_code == 0, added.output
    logged = run_cli(["progress", "log", "SEOGU-1-1.2024", "--executed", "515", "--by", "담당"], sqlite_url)
    assert logged.exit_code == 0, logged.output
    result = run_cli(["report", "budget", "--jurisdiction", "gwangju-seo", "--format", "md"], sqlite_url)
    markdown = result.stdout
    done = _row(markdown, "SEOGU-1-1", "우리동네 마을정부 기능 강화", "2024")
    assert done[3:6] == ["515백만원", "—", "515백만원"] and done[-1] == "집행 목표 달성"
    assert "지남" not in " ".join(done)
    # still open: the next year counts down; past due and unreported: the snapshot's state, no countdown
    assert re.fullmatch(
        r"D-\d+|D-day", _row(markdown, "SEOGU-1-1", "우리동네 마을정부 기능 강화", "2026")[-1]
    )
    assert _row(markdown, "SEOGU-1-1", "우리동네 마을정부 기능 강화", "2025")[-1] == "예산 집행 미보고"
    states = [line.rsplit(" | ", 1)[1] for line in markdown.splitlines() if line.startswith("| SEOGU-")]
    assert not [state for state in states if "지남" in state and not state.startswith("D-")]
    html = run_cli(["report", "budget", "--jurisdiction", "gwangju-seo", "--format", "html"], sqlite_url)
    assert '<span class="badge tone-met">집행 목표 달성</span>' in html.stdout
    rows = csv_rows(run_cli(["report", "budget", "--format", "csv"], sqlite_url).stdout)
    [tranche] = [row for row in rows if row["milestone"] == "SEOGU-1-1.2024"]
    assert (tranche["state"], tranche["executed"]) == ("achieved", "515")


def test_a_tranche_past_the_threshold_but_not_all_spent_is_not_called_fully_executed(sqlite_url: str) -> None:
    """470 of 515 백만원 (91%) meets the 90% execution threshold: the target is met, the money is not all
    spent — the label must not say 집행 완료 / fully executed."""
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    added = run_cli(["officials", "add", "--name", "담당", "--jurisdiction", "gwangju-seo"], sqlite_url)
    assert added.exit_code == 0, added.output
    logged = run_cli(["progress", "log", "SEOGU-1-1.2024", "--executed", "470", "--by", "담당"], sqlite_url)
    assert logged.exit_code == 0, logged.output
    for lang, label, wrong in (
        ("ko", "집행 목표 달성", "집행 완료"),
        ("en", "execution target met", "fully"),
    ):
        args = ["--lang", lang, "report", "budget", "--jurisdiction", "gwangju-seo", "--format", "md"]
        markdown = run_cli(args, sqlite_url).stdout
        row = _row(markdown, "SEOGU-1-1", "우리동네 마을정부 기능 강화", "2024")
        assert row[-1] == label and wrong not in markdown


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_budget_markdown_gives_every_amount_its_unit(reported: str) -> None:
    markdown = _report(reported, "budget", "--jurisdiction", "gwangju-seo", "--format", "md")
    amounts = [
        cell
        for line in markdown.splitlines()
        if line.startswith(("| 광주광역시 서구 |", "| SEOGU-"))
        for cell in _amount_cells(line)
    ]
    assert len(amounts) > 600
    assert [a for a in amounts if a != "—" and not MILLION_KO.match(a)] == []
    assert "| 광주광역시 서구 | **전체** | 124,667.42백만원 | 200백만원 | 615백만원 |" in markdown
    findings = _section(markdown, "일관성 점검 결과")
    assert (
        "- 총계: 연차별 금액 합계 124,667.16백만원이 공표된 총계 124,667.42백만원과 다릅니다 "
        "(차이 -0.26백만원) (`002_7fc74de1de420957.txt:21`)"
    ) in findings
    assert "공표된 총계 24,348백만원과 다릅니다 (차이 +0.31백만원)" in markdown
    english = _report(reported, "budget", "--jurisdiction", "gwangju-seo", "--format", "md", lang="en")
    assert (
        "| Seo-gu (Gwangju) | **All** | 124,667.42 million KRW | 200 million KRW | 615 million KRW |"
        in english
    )


def _amount_cells(line: str) -> list[str]:
    """The planned, secured and executed cells of a totals or lines row of the budget Markdown."""
    cells = [cell.strip() for cell in line.strip("|").split(" | ")]
    if line.startswith("| 광주광역시 서구 |"):
        return cells[2:5]
    return [] if cells[2] == "비예산" else cells[3:6]


def test_card_markdown_gives_amounts_and_values_their_units(reported: str) -> None:
    card = _report(reported, "card", "SEOGU-1-1", "--format", "md")
    assert "- 계획: 1,930백만원" in card
    assert _milestone(card, "SEOGU-1-1.2026")[::4] == ["D-39", "425백만원"]  # the 2026 year still open
    partly = _milestone(card, "SEOGU-1-1-1.2022-2023")
    assert partly[0] == "1056일 지남"  # underspent: still open
    assert partly[4:] == ["360백만원", "집행 100백만원 · 확보 200백만원", "예산 집행 부진"]
    assert _milestone(card, "SEOGU-1-1.2024")[::4] == ["집행 목표 달성", "515백만원"]
    assert _milestone(card, "SEOGU-1-1.2024")[5:] == ["집행 515백만원", ""]
    assert "— **집행 515백만원**" in card and "— **집행 100백만원 · 확보 200백만원**" in card
    assert "- **집행 목표 달성** `SEOGU-1-1.2024` — 집행 515백만원 / 계획 515백만원" in card
    english = _report(reported, "card", "SEOGU-1-1", "--format", "md", lang="en")
    assert "- Planned: 1,930 million KRW" in english
    assert "| execution target met | SEOGU-1-1.2024 |" in english
    assert "| 515 million KRW | executed 515 million KRW |" in english
    housing = _report(reported, "card", "DJ-9-3", "--format", "md", lang="en")
    assert "| 5,000 dwellings |" in housing


class _Text(HTMLParser):
    """The text of an HTML page's <main>, one string per element's text."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or tag == "main"

    def handle_data(self, data: str) -> None:
        if self.inside and data.strip():
            self.texts.append(" ".join(data.split()))


def _html_texts(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.texts


def _milestone(card: str, code: str) -> list[str]:
    """The cells of a milestone's row in the card's milestone table."""
    [row] = [
        [cell.strip() for cell in line[1:-1].split("|")]
        for line in card.splitlines()
        if line.startswith("| ") and f"| {code} |" in line
    ]
    return row


def test_budget_and_card_html_give_every_amount_its_unit(reported: str) -> None:
    budget = _html_texts(_report(reported, "budget", "--jurisdiction", "gwangju-seo", "--format", "html"))
    assert "124,667.42백만원" in budget and "집행 515백만원 (100.0%)" in budget and "집행 목표 달성" in budget
    assert "계획 57,421.35백만원 · 확보 200백만원 (0.4%) · 집행 100백만원 (0.2%)" in budget
    assert "+0.31백만원" in budget and "공표값 124,667.42백만원 · 계산값 124,667.16백만원 ·" in budget
    bare = [text for text in budget if re.fullmatch(rf"{AMOUNT}", text) and "," in text]
    assert bare == []  # no amount stands without its unit (years and counts have no separator)
    card = _html_texts(_report(reported, "card", "SEOGU-1-1", "--format", "html"))
    assert "1,930백만원" in card and "집행 목표 달성" in card
    assert "515백만원" in card and "집행 515백만원" in card
    assert "집행 100백만원 · 확보 200백만원" in card and "명령줄" in " ".join(card)


def test_status_reports_show_labels_and_rates_not_stored_keys(reported: str) -> None:
    markdown = _report(reported, "status", "--jurisdiction", "gwangju", "--format", "md")
    row = _row(markdown, "**광주광역시 서구**")
    assert row[1:4] == ["21", "0", "0"] and row[6] == "1" and row[11:13] == ["0.0%", "— (0/0)"]
    assert row[-1].startswith("예산 집행 미보고 ") and "예산 집행 부진 1" in row[-1]
    assert _stored_keys(markdown) == []
    html = " ".join(_html_texts(_report(reported, "status", "--jurisdiction", "gwangju", "--format", "html")))
    assert "정상추진" in html and "0.0%" in html and _stored_keys(html) == []


def _publish_5500_youth_homes(seeds: Path) -> None:
    """Daejeon's source now promises 5,500 youth homes (DJ-9-3): the source, its digest and the seed."""
    source = seeds / "sources" / "000_5d173ffc9f04f551.txt"
    old = source.read_bytes()
    new = old.replace("청년주택 5,000호 공급!".encode(), "청년주택 5,500호 공급!".encode())
    source.write_bytes(new)
    path = seeds / "daejeon-2026-pledges.yaml"
    text = path.read_text(encoding="utf-8").replace(sha256(old).hexdigest(), sha256(new).hexdigest())
    text = text.replace('"청년주택 5,000호 공급"', '"청년주택 5,500호 공급"')
    path.write_text(text.replace("target: 5000, unit: 호", "target: 5500, unit: 호"), encoding="utf-8")


# Stored values a Korean reader must never see outside a code span (statuses, kinds, channels, states).
STORED = re.compile(
    r"\b(done|continuing|on_track|partial|on_hold|dropped|unreported|pledge|agenda|agreement_area|"
    r"completion|quantity|budget|event|payment|cli|telegram|seed|import|once|monthly|semiannual|yearly|"
    r"overdue|due_soon|stale|at_risk|underspent|achieved|overdue_on_track|done_below_target|"
    r"True|False|None)\b"
)


def _stored_keys(text: str) -> list[str]:
    """Stored keys in the text outside code spans, links and fenced source text."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(
        r"`[^`]*`|<https?://[^>]*>|pledge-monitor|\b[A-Z]+(?:-[A-Za-z0-9]+)+(?:\.[\w-]+)?", "", text
    )
    return STORED.findall(text)


@pytest.mark.parametrize(
    "args",
    [
        ("digest", "--since", "2026-11-01", "--days", "45"),
        ("status", "--jurisdiction", "gwangju"),
        ("budget", "--jurisdiction", "gwangju-seo"),
        ("card", "SEOGU-1-1"),
        ("card", "SEOUL-SEJONG-2023"),
    ],
)
def test_report_markdown_has_no_glued_lines_stored_keys_or_seconds(
    reported: str, args: tuple[str, ...]
) -> None:
    markdown = _report(reported, *args, "--format", "md")
    assert markdown.endswith("\n") and not markdown.endswith("\n\n\n")
    body = re.sub(r"```.*?```", "", markdown, flags=re.S)
    glued = [
        line
        for line in body.splitlines()
        if re.search(r"\S- [^\s|]+: |[^\s#]#+ ", line) or (line.startswith("|") != line.endswith("|"))
    ]
    assert glued == []
    assert _stored_keys(markdown) == []
    assert re.findall(r"\d\d:\d\d:\d\d|\d\d:\d\d\.\d+|T\d\d:\d\d", body) == []


def test_card_revisions_show_values_with_their_unit(tmp_path: Path, sqlite_url: str) -> None:
    seeds = copy_seeds(tmp_path)
    env = {"MONITOR_SEEDS_DIR": str(seeds)}
    assert run_cli(["init"], db_url=sqlite_url, env=env).exit_code == 0
    _publish_5500_youth_homes(seeds)
    reloaded = run_cli(["seed"], db_url=sqlite_url, env=env)
    assert reloaded.exit_code == 0, reloaded.output
    result = run_cli(["report", "card", "DJ-9-3", "--format", "json"], db_url=sqlite_url, env=env)
    [revision] = json.loads(result.stdout)["revisions"]
    assert (revision["old"], revision["new"]) == ("5000", "5500")  # JSON keeps the stored figures
    assert (revision["old_text"], revision["new_text"]) == ("5,000호", "5,500호")
    markdown = run_cli(["report", "card", "DJ-9-3", "--format", "md"], db_url=sqlite_url, env=env).stdout
    assert "| DJ-9-3.youth-housing | 목표 | 5,000호 | 5,500호 |" in markdown
