"""The HTML reports as a browser sees them: headless Chromium loads each page and the rendered DOM holds
the Korean headings, the figures and the deadline countdowns. Without Chromium (a fresh machine) they skip
with a one-line reason; .ci/run installs it and fails if any test was skipped."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from tests.factories import NOW, log, migrated_engine, run_cli, sessions_for

AS_OF = "2026-11-22T12:00"
EXPECTED = {
    "status": (
        ["status"],
        [
            "공약 이행 평가표",
            "대전광역시",
            "완료율",
            "목표달성도",
            "기한 초과",
            "미달 위험",
            "이행후 계속추진",
            "2.3%",
        ],
    ),
    "budget": (
        ["budget", "--jurisdiction", "gwangju-seo"],
        [
            "공약 재정 현황",
            "재정확보율",
            "집행률",
            "124,667.42",
            "97.1%",
            "D-39",
            "일관성 점검 결과",
            "124,667.16",
        ],
    ),
    "digest": (
        ["digest", "--days", "45"],
        ["공약 이행 요약", "계속 기한 초과", "1421일 지남", "D-39", "최근 진행 보고", "https://e.x/housing"],
    ),
    "card": (
        ["card", "DJ-9-3"],
        ["공약관리카드", "청년주택 5,000호 공급", "D-1316", "정상추진", "300호", "진행 보고·공식 상태 이력"],
    ),
}


def _dom(page: Path) -> str:
    browser = shutil.which("chromium")
    if browser is None:  # a fresh machine; .ci/run installs it and fails if any test was skipped
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_html_report_renders_in_a_browser_with_headings_figures_and_countdowns(
    sqlite_url: str, tmp_path: Path, kind: str
) -> None:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    earlier = NOW - timedelta(days=1)
    log(sessions, "DJ-9-3.youth-housing", earlier, value=Decimal(300), evidence=["https://e.x/housing"])
    log(sessions, "DJ-9-3", earlier, status="정상추진")
    log(sessions, "DJ-9-2", earlier, status="완료")  # 1 of 44 Daejeon pledges: 완료율 2.3 %
    log(sessions, "SEOGU-1-1.2024", earlier, executed=Decimal(500), secured=Decimal(515))
    engine.dispose()
    args, expected = EXPECTED[kind]
    page = tmp_path / f"{kind}.html"
    result = run_cli(["report", *args, "--as-of", AS_OF, "--format", "html", "--out", str(page)], sqlite_url)
    assert result.exit_code == 0, result.output
    dom = _dom(page)
    text = unescape(re.sub(r"<[^>]+>", " ", dom))
    missing = [needle for needle in expected if needle not in text]
    assert not missing, missing
    assert 'name="viewport"' in dom and "width=device-width" in dom
