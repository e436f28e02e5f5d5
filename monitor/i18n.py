"""User-facing text, Korean first with English available (`language` setting, `--lang`)."""

from __future__ import annotations

from decimal import Decimal

from monitor.vocab import Lang

MESSAGES: dict[str, tuple[str, str]] = {
    # column headers
    "col.code": ("코드", "Code"),
    "col.title": ("제목", "Title"),
    "col.commitment": ("공약", "Commitment"),
    "col.jurisdiction": ("지자체", "Jurisdiction"),
    "col.kind": ("종류", "Kind"),
    "col.due": ("기한", "Due"),
    "col.target": ("목표", "Target"),
    "col.source": ("출처", "Source"),
    "col.status": ("공식 상태", "Official status"),
    "col.category": ("분야", "Category"),
    "col.period": ("기간", "Period"),
    "col.department": ("소관부서", "Department"),
    "col.parties": ("당사자", "Parties"),
    "col.parent": ("상위", "Parent"),
    "col.as_of": ("기준일", "As of"),
    "col.value": ("값", "Value"),
    "col.reporter": ("보고자", "Reporter"),
    "col.note": ("비고", "Note"),
    "col.evidence": ("근거", "Evidence"),
    "col.rule": ("검사", "Check"),
    "col.records": ("대상", "Records"),
    "col.column": ("열", "Column"),
    "col.published": ("공표값", "Published"),
    "col.computed": ("계산값", "Computed"),
    "col.difference": ("차이", "Difference"),
    "col.description": ("설명", "Description"),
    "col.state": ("상태", "State"),
    "col.pledges": ("공약 수", "Pledges"),
    "col.agendas": ("의제 수", "Agendas"),
    "col.agreements": ("협약 과제 수", "Agreement areas"),
    "report.col.states": ("점검 상태 (하위 지자체 포함)", "Check states (incl. jurisdictions below)"),
    "col.completion": ("완료율", "Completion"),
    "col.achievement": ("목표달성도", "Targets met"),
    "col.securing": ("재정확보율", "Funding secured"),
    "col.execution": ("집행률", "Executed"),
    "col.since": ("발생", "Since"),
    "col.reason": ("사유", "Reason"),
    "col.id": ("번호", "ID"),
    "col.matcher": ("대상", "Matches"),
    "col.until": ("종료", "Until"),
    "col.by": ("설정자", "Set by"),
    # field names inside messages
    "field.title": ("제목", "title"),
    "field.description": ("설명", "description"),
    "field.start": ("시작 시각", "start time"),
    "field.end": ("종료 시각", "end time"),
    # headings and summaries
    "heading.milestones": ("마일스톤", "Milestones"),
    "heading.children": ("하위 공약", "Sub-commitments"),
    "heading.status_history": ("공식 상태 이력", "Official status history"),
    "heading.progress": ("진행 보고", "Progress reports"),
    "heading.revisions": ("목표 변경 이력", "Target revisions"),
    "heading.source_text": ("출처 원문", "Source text"),
    "heading.findings": ("일관성 점검 결과", "Consistency findings"),
    "status.unreported": ("미보고", "unreported"),
    "heading.check": ("{at} 기준 점검 결과", "State at {at}"),
    "summary.check": ("정상이 아닌 상태 {count}건", "{count} states that are not OK"),
    "summary.included": ("포함된 지자체: {places}", "Jurisdictions included: {places}"),
    "summary.replay": (
        "메시지 {messages}건, 알림 {notifications}건",
        "{messages} messages, {notifications} notifications",
    ),
    "summary.logged": (
        "기록됨: {code} {what} (기준일 {as_of}, 보고자 {by})",
        "Logged: {code} {what} (as of {as_of}, by {by})",
    ),
    "summary.silenced": (
        "무음 설정 #{id}: {matcher}, {until}까지 — {reason}",
        "Silence #{id}: {matcher} until {until} — {reason}",
    ),
    "summary.unsilenced": ("무음 해제 #{id}", "Silence #{id} removed"),
    "summary.none": ("변경 없음", "no changes"),
    "summary.loaded": (
        "시드 적재: {files}개 파일, 공약 {commitments}건, 마일스톤 {milestones}건 ({changes})",
        "Seeds loaded: {files} files, {commitments} commitments, {milestones} milestones ({changes})",
    ),
    "summary.findings": (
        "일관성 점검: {count}건 (monitor validate 로 자세히 보기)",
        "Consistency findings: {count} (see monitor validate)",
    ),
    "summary.valid": (
        "스키마 오류 없음: {files}개 파일, 공약 {commitments}건, 마일스톤 {milestones}건",
        "No schema problems: {files} files, {commitments} commitments, {milestones} milestones",
    ),
    "summary.database": ("데이터베이스: {url} (스키마 {revision})", "Database: {url} (schema {revision})"),
    "summary.no_rows": ("조건에 맞는 마일스톤이 없습니다.", "No milestones match."),
    # findings
    "finding.budget_row_total": (
        "{records}: 연차별 금액 합계 {computed}이(가) 공표된 총계 {published}와 다릅니다 (차이 {difference})",
        "{records}: the year columns add up to {computed}, the published total is {published} (difference {difference})",
    ),
    "finding.budget_children": (
        "{records}: 하위 사업의 {column} 합계 {computed}이(가) 상위 금액 {published}와 다릅니다 (차이 {difference})",
        "{records}: the children's {column} add up to {computed}, the parent says {published} (difference {difference})",
    ),
    "finding.budget_published_total": (
        "최상위 사업의 {column} 합계 {computed}이(가) 공표된 {records} {published}와 다릅니다 (차이 {difference})",
        "the top-level lines' {column} add up to {computed}, the published {records} is {published} (difference {difference})",
    ),
    "finding.conflicting_statement": (
        "{records}: 같은 문서 안에서 {column}이(가) 다르게 적혀 있습니다: {published} / {computed}",
        "{records}: the source states {column} twice, differently: {published} / {computed}",
    ),
    "finding.published_count": (
        "{records}: 공표된 개수 {published}, 실제 목록 {computed} (차이 {difference})",
        "{records}: published count {published}, listed {computed} (difference {difference})",
    ),
    # ── reports (`monitor report`, monitor/reports/) ──
    "report.title.digest": ("공약 이행 요약", "Pledge digest"),
    "report.title.status": ("공약 이행 평가표", "Pledge evaluation table"),
    "report.title.budget": ("공약 재정 현황 (공약가계부)", "Pledge budget: planned, secured, executed"),
    "report.title.card": ("공약관리카드", "Pledge card"),
    "report.as_of": ("{at} 기준", "as of {at}"),
    "report.all_jurisdictions": ("전체 지자체", "all jurisdictions"),
    "report.days_past": ("{days}일 지남", "{days} days past"),
    "report.passed_today": ("오늘 지남", "passed today"),
    "report.official_status": ("공식 상태: {status}", "official status: {status}"),
    "report.executed_amount": ("집행 {amount}", "executed {amount}"),
    "report.secured_amount": ("확보 {amount}", "secured {amount}"),
    "report.none": ("없음", "none"),
    "report.total_row": ("전체", "All"),
    "report.no_category": ("분야 미지정", "no category"),
    "report.non_budget": ("비예산", "non-budget"),
    "report.unit_million": ("단위: 백만원", "amounts in million KRW"),
    "report.period": ("{since} ~ {until}", "{since} to {until}"),
    "report.corrects": ("{ref} 정정", "corrects {ref}"),
    "report.corrected_by": ("{refs}에 의해 정정됨", "corrected by {refs}"),
    "report.resolved": ("해소", "resolved"),
    "report.resolved_other": ("더 이상 기한 초과가 아님", "no longer overdue"),
    "report.written": ("저장: {path}", "written: {path}"),
    "report.target_year": ("목표달성도 기준 연도: {year}", "targets due in {year}"),
    "report.flag_note": (
        "기한 초과·미달 위험: 그런 목표가 하나 이상 있는 공약 수 (모니터 자체 점검)",
        "Overdue / at risk: pledges with at least one such target (the monitor's own checks)",
    ),
    "report.findings_note": (
        "공표된 표 자체의 일관성 점검 결과 (마지막 시드 적재 기준)",
        "Where the published table disagrees with itself (as of the last seed load)",
    ),
    "report.digest_summary": (
        "새 기한 초과 {new}건 · 계속 {ongoing}건 · 해소 {resolved}건 · {days}일 내 기한 {due}건 · 진행 보고 {progress}건",
        "{new} newly overdue · {ongoing} still overdue · {resolved} resolved · {due} due within {days} days · {progress} reports",
    ),
    "report.cell.unreported": ("미보고", "unreported"),
    "report.cell.underspent": ("집행 부진", "underspent"),
    "report.in_term": ("임기 내 재정확보율", "Secured (in-term plan)"),
    "report.col.overdue": ("기한 초과", "Overdue"),
    "report.col.at_risk": ("미달 위험", "At risk"),
    "report.col.planned": ("계획", "Planned"),
    "report.col.secured": ("확보", "Secured"),
    "report.col.executed": ("집행", "Executed"),
    "report.col.year": ("연도", "Year"),
    "report.col.line": ("사업", "Line"),
    "report.col.time_left": ("남은 기간", "Time left"),
    "report.col.reported": ("보고 내용", "Reported"),
    "report.col.entered": ("입력 시각", "Entered"),
    "report.col.channel": ("경로", "Channel"),
    "report.col.field": ("항목", "Field"),
    "report.col.old": ("이전", "Before"),
    "report.col.new": ("변경", "After"),
    "report.col.changed": ("변경 시각", "Changed"),
    "report.heading.overview": ("개요", "Overview"),
    "report.heading.new_overdue": ("새로 기한을 넘긴 목표", "Newly overdue"),
    "report.heading.ongoing_overdue": ("계속 기한 초과", "Still overdue"),
    "report.heading.resolved": ("지난 요약 이후 해소", "Resolved since the last digest"),
    "report.heading.due_soon": ("{days}일 안에 기한이 오는 목표", "Due in the next {days} days"),
    "report.heading.progress": ("최근 진행 보고", "Recent progress"),
    "report.heading.states": ("현재 점검 상태", "Current states"),
    "report.heading.history": ("진행 보고·공식 상태 이력", "Reports and official statuses"),
    "report.heading.totals": ("지자체 합계", "Totals"),
    "report.heading.lines": ("사업별·연도별", "Per line and year"),
    "report.heading.chart": ("그림", "Chart"),
    "report.field.due_date": ("기한", "deadline"),
    "report.field.target_value": ("목표", "target"),
    "report.field.target_max": ("목표 상한", "target (upper)"),
    "report.field.unit": ("단위", "unit"),
    "report.field.baseline": ("기준값", "baseline"),
    "report.field.planned_amount": ("계획 금액", "planned amount"),
    "report.field.fiscal_year_start": ("회계연도 시작", "first fiscal year"),
    "report.field.fiscal_year_end": ("회계연도 끝", "last fiscal year"),
    "report.field.starts_at": ("시작 시각", "start"),
    "report.field.ends_at": ("종료 시각", "end"),
    "report.field.cadence": ("지급 주기", "cadence"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    ko, en = MESSAGES[key]
    return (ko if lang == "ko" else en).format(**values)


def amount(value: Decimal | str | None) -> str:
    """A figure with thousands separators, digits as published: 57421.40 → 57,421.40."""
    if value is None:
        return ""
    return f"{Decimal(value):,}"
