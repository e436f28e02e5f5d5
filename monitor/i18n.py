"""User-facing text, Korean first with English available (`language` setting, `--lang`)."""

from __future__ import annotations

from decimal import Decimal

from monitor.korean import particles
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
    # whose promise: `monitor pledger` and the label views put beside a state (monitor/cli/pledger_cmds.py)
    "col.key": ("키", "Key"),
    "col.pledger": ("이름", "Name"),
    "col.role": ("구분", "Role"),
    "col.office": ("직위", "Office"),
    "col.term": ("임기", "Term"),
    "col.election": ("선거일", "Election"),
    "col.outcome": ("결과", "Outcome"),
    "col.count": ("공약 수", "Commitments"),
    "col.pledgers": ("공약 주체", "Pledged by"),
    "pledger.election": ("{on} 선거: {outcome}", "election {on}: {outcome}"),
    "pledger.role.candidate": ("후보", "candidate"),
    "pledger.role.officeholder": ("현직", "officeholder"),
    "pledger.outcome.pending": ("미정", "pending"),
    "pledger.outcome.elected": ("당선", "elected"),
    "pledger.outcome.lost": ("낙선", "lost"),
    "report.candidate_pledges": ("후보 공약 {count}", "a candidate's: {count}"),
    "pledge.label.candidate": ("공약 — 후보 {names}", "pledge — candidate {names}"),
    "pledge.label.officeholder": ("공약 — {names}", "pledge — {names}"),
    "pledger.elected": (
        "{name}: {on} 당선 기록 — 공약 {count}건은 임기 시작({start})부터 {office}의 공약입니다",
        "{name}: elected on {on} — {count} commitments are the {office}'s from the term start ({start})",
    ),
    "pledger.lost": (
        "{name}: {on} 낙선 기록 — 공약 {count}건에 대한 알림을 멈춥니다",
        "{name}: lost on {on} — alerts on {count} commitments stop",
    ),
    "pledger.unknown": (
        "공약 주체 {pledger}이(가) 없습니다 (있는 키: {known})",
        "no pledger {pledger} (known: {known})",
    ),
    "pledger.not_candidate": (
        "{name}은(는) 후보가 아니라 현직입니다: 선거 결과를 기록할 수 없습니다",
        "{name} is an officeholder, not a candidate: there is no outcome to record",
    ),
    # field names inside messages
    "field.title": ("제목", "title"),
    "field.description": ("설명", "description"),
    "field.start": ("시작 시각", "start time"),
    "field.end": ("종료 시각", "end time"),
    # errors the command line reports (monitor/cli/errors.py, monitor/files.py, monitor/cli/context.py)
    "error.prefix": ("오류", "error"),
    "error.interrupted": ("중단되었습니다 (Ctrl-C)", "interrupted (Ctrl-C)"),
    "error.write": ("{path}에 쓸 수 없습니다: {reason}", "cannot write {path}: {reason}"),
    "error.path": ("{path}: {reason}", "{path}: {reason}"),
    "error.not_a_folder": ("{blocker}은(는) 폴더가 아니라 파일입니다", "{blocker} is a file, not a folder"),
    "error.database": (
        "데이터베이스 {where}을(를) 쓸 수 없습니다: {reason} (MONITOR_DATABASE_URL을 확인하세요)",
        "cannot use {where}: {reason} (check MONITOR_DATABASE_URL)",
    ),
    "error.database.unknown": ("연결 실패", "connection failed"),
    "error.instant": (
        "{option}'{text}'은(는) 날짜나 시각이 아닙니다 (예: 2026-07-01 또는 2026-07-01T09:00+09:00)",
        "{option}{text!r} is not an ISO 8601 date or date-time (e.g. 2026-07-01 or 2026-07-01T09:00+09:00)",
    ),
    "error.config.missing": (
        "{path}: 설정 파일이 없습니다 (--config 또는 MONITOR_CONFIG를 확인하세요)",
        "{path}: configuration file not found (check --config / MONITOR_CONFIG)",
    ),
    "error.config.toml": ("{path}: TOML 문법 오류입니다: {detail}", "{path}: not valid TOML: {detail}"),
    "error.config.unknown": (
        "{path}: 알 수 없는 설정 {name} (config/monitor.example.toml 참고)",
        "{path}: unknown setting {name} (see config/monitor.example.toml)",
    ),
    "error.config.value": (
        "{path}: 설정 '{field}'의 값이 잘못되었습니다: {detail}",
        "'{field}' in {path}: {detail}",
    ),
    "error.os.EACCES": ("권한 없음", "permission denied"),
    "error.os.EPERM": ("권한 없음", "operation not permitted"),
    "error.os.ENOENT": ("없는 폴더이거나 만들 수 없는 곳", "no such folder, or one that cannot be created"),
    "error.os.ENOTDIR": ("폴더가 아님", "not a folder"),
    "error.os.EISDIR": ("폴더임 (파일 이름을 주세요)", "is a folder (give a file name)"),
    "error.os.EROFS": ("읽기 전용 파일 시스템", "read-only file system"),
    "error.os.ENOSPC": ("디스크 공간 부족", "no space left on the device"),
    "error.os.EDQUOT": ("디스크 할당량 초과", "disk quota exceeded"),
    "error.os.ENAMETOOLONG": ("이름이 너무 김", "name too long"),
    "error.os.EINVAL": ("쓸 수 없는 이름", "invalid name"),
    "error.os.EBUSY": ("사용 중", "busy"),
    "error.os.ELOOP": ("심볼릭 링크가 너무 많이 이어짐", "too many symbolic links"),
    # headings and summaries
    "heading.milestones": ("마일스톤", "Milestones"),
    "heading.children": ("하위 공약", "Sub-commitments"),
    "heading.status_history": ("공식 상태 이력", "Official status history"),
    "heading.progress": ("진행 보고", "Progress reports"),
    "heading.revisions": ("목표 변경 이력", "Target revisions"),
    "shown.executed": ("집행", "executed"),
    "shown.secured": ("확보", "secured"),
    "heading.source_text": ("출처 원문", "Source text"),
    "heading.findings": ("일관성 점검 결과", "Consistency findings"),
    "status.unreported": ("미보고", "unreported"),
    "heading.check": ("{at} 기준 점검 결과", "State at {at}"),
    "summary.check": ("정상이 아닌 상태 {count}건", "{count} states that are not OK"),
    "summary.included": ("포함된 지자체: {places}", "Jurisdictions included: {places}"),
    # check's footer: achieved items are listed, never counted as problems (monitor/cli/engine_cmds.py)
    "summary.check_achieved": (" (목표 달성 {count}건은 세지 않음)", " (and {count} achieved, not counted)"),
    "summary.replay": (
        "메시지 {messages}건, 알림 {notifications}건",
        "{messages} messages, {notifications} notifications",
    ),
    "summary.logged": (
        "기록됨: {code} {what} (기준일 {as_of}, 보고자 {by})",
        "Logged: {code} {what} (as of {as_of}, by {by})",
    ),
    # the one check of every write (monitor/writecheck.py `check_report`): CLI, import, bot, API
    "write.raw": ("{message}", "{message}"),
    "write.negative": ("{label} {amount}은(는) 음수입니다", "{name} {amount} is negative"),
    "write.commitment": (
        "{code}은(는) 공약입니다: 공식 상태(정상추진, 일부추진, 완료 …)를 보고하세요. {label}은(는) 목표(CODE.key)에 보고합니다",
        "{code} is a commitment: report its official status (정상추진, 일부추진, 완료 …), not a {name}; report values on its milestones (CODE.key)",
    ),
    "write.commitment_status": (
        "{code}은(는) 공약입니다: 공식 상태(정상추진, 일부추진, 완료 …)가 없습니다",
        "{code} is a commitment: report its official status (정상추진, 일부추진, 완료 …); the status is missing",
    ),
    "write.amounts": (
        "{code}은(는) {kind_ko} 목표입니다: {label}은(는) 예산 연차에만 씁니다",
        "{code} is a {kind} milestone: amounts are for budget tranches",
    ),
    "write.quantity_status": (
        "{code}은(는) 수량 목표입니다: 상태가 아니라 실적(--value, {unit})을 보고하세요",
        "{code} is a quantity milestone: it takes a value (--value), not a status",
    ),
    "write.quantity_missing": (
        "{code}은(는) 수량 목표입니다: 실적({unit})이 없습니다",
        "{code} is a quantity milestone: the value (in {unit}) is missing",
    ),
    "write.status_not_value": (
        "{code}은(는) {kind_ko} 목표입니다: 값이 아니라 상태({words_ko})를 보고하세요",
        "{code} is a {kind} milestone: report {words} as its status, not a value",
    ),
    "write.status_missing": (
        "{code}은(는) {kind_ko} 목표입니다: 상태({words_ko})가 없습니다",
        "{code} is a {kind} milestone: the status ({words}) is missing",
    ),
    "write.status_not_allowed": (
        "{code}은(는) {kind_ko} 목표입니다: 상태는 {words_ko} 중 하나입니다 ('{given}' 아님)",
        "{code} is a {kind} milestone: status must be one of {allowed} — {words} — not '{given}'",
    ),
    "write.budget_not": (
        "{code}은(는) 예산 연차입니다: {label}이(가) 아니라 금액(계획액·확보액·집행액, 백만원)을 보고하세요",
        "{code} is a budget tranche: it takes amounts (계획액 planned, 확보액 secured, 집행액 executed, in 백만원), not a {name}",
    ),
    "write.budget_missing": (
        "{code}은(는) 예산 연차입니다: 금액(확보액 또는 집행액, 백만원)이 없습니다",
        "{code} is a budget tranche: no amount given (확보액 secured or 집행액 executed, in 백만원)",
    ),
    "write.planned_alone": (
        "계획액은 확보액이나 집행액과 함께만 보고합니다",
        "planned is reported only together with secured or executed (확보액 or 집행액)",
    ),
    "write.going_down": (
        "{code}은(는) 누적 목표로 {as_of}에 {was}였습니다. {value}(으)로 줄어듭니다 — 앞의 값이 틀렸다면 정정(--correction)으로 기록하세요",
        "{code} is cumulative and was {was} on {as_of}; {value} would go down — log it as a correction (--correction) if that was wrong",
    ),
    "write.over_plan": (
        "{code}: 입력한 {label} {amount}백만원이 계획액 {plan}백만원의 {factor}배를 넘습니다 (계획의 {percent}%)",
        "{code}: the {name} amount entered, {amount} 백만원, is more than {factor} × the plan of {plan} 백만원 ({percent}% of it)",
    ),
    "write.over_target": (
        "{code}: 입력한 누적 실적 {value}{unit}은(는) 직전 {was}{unit}보다 목표 {target}{unit}의 {times}배 넘게 늘어난 값입니다",
        "{code}: the cumulative value entered, {value} {unit}, is up from {was} by more than {times} × the target of {target} {unit}",
    ),
    "write.confirm_hint": (
        " — 맞는 값이면 --confirm 을 붙여 다시 실행하세요",
        " — if it is right, run again with --confirm",
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
        "{records}: 연차별 금액 합계 {computed}이(가) 공표된 총계 {published}와(과) 다릅니다 (차이 {difference})",
        "{records}: the year columns add up to {computed}, the published total is {published} (difference {difference})",
    ),
    "finding.budget_children": (
        "{records}: 하위 사업의 {column} 합계 {computed}이(가) 상위 금액 {published}와(과) 다릅니다 (차이 {difference})",
        "{records}: the children's {column} add up to {computed}, the parent says {published} (difference {difference})",
    ),
    "finding.budget_published_total": (
        "최상위 사업의 {column} 합계 {computed}이(가) 공표된 {records} {published}와(과) 다릅니다 (차이 {difference})",
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
    "report.cell.achieved": ("집행 완료", "fully executed"),
    "report.stage.lead": ("{lead} 전", "{lead} before"),
    "report.stage.overdue_on_track": ("정상추진이나 기한 초과", "on track yet overdue"),
    "report.stage.done_below_target": ("완료이나 목표 미달", "done yet below target"),
    # the budget report's findings: the sentences of `monitor validate`, amounts with their unit
    "report.finding.budget_row_total": (
        "{records}: 연차별 금액 합계 {computed}이(가) 공표된 총계 {published}와(과) 다릅니다 (차이 {difference})",
        "{records}: the year columns add up to {computed}, the published total is {published} (difference {difference})",
    ),
    "report.finding.budget_children": (
        "{records}: 하위 사업의 {column} 합계 {computed}이(가) 상위 금액 {published}와(과) 다릅니다 (차이 {difference})",
        "{records}: the children's {column} add up to {computed}, the parent says {published} (difference {difference})",
    ),
    "report.finding.budget_published_total": (
        "최상위 사업의 {column} 합계 {computed}이(가) 공표된 {records} {published}와(과) 다릅니다 (차이 {difference})",
        "the top-level lines' {column} add up to {computed}, the published {records} is {published} (difference {difference})",
    ),
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
    # the daemon's console: the summary at start, collapsed reasons, the next planned change (its log)
    "daemon.summary.heading": (
        "■ 시작 요약: {at} 기준 지자체별 점검 상태",
        "■ At start: states per jurisdiction as of {at}",
    ),
    "daemon.summary.none": ("이상 없음", "nothing to report"),
    "daemon.summary.total": (
        "합계 {total}건 — 전체 목록은 monitor check",
        "{total} in total — monitor check lists them all",
    ),
    "daemon.summary.empty": ("평가할 항목이 없습니다", "nothing to evaluate"),
    "daemon.more": ("… 외 {count}건", "… and {count} more"),
    "daemon.next_change": ("다음 상태 변화: {at} ({reason})", "next state change at {at} ({reason})"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    ko, en = MESSAGES[key]
    return particles(ko.format(**values)) if lang == "ko" else en.format(**values)


def amount(value: Decimal | str | None) -> str:
    """A figure with thousands separators, digits as published: 57421.40 → 57,421.40."""
    if value is None:
        return ""
    return f"{Decimal(value):,}"
