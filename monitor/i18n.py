"""User-facing text, Korean first with English available (`language` setting, `--lang`)."""

from __future__ import annotations

from decimal import Decimal

from monitor.i18n_reports import REPORT_MESSAGES
from monitor.i18n_write import WRITE_MESSAGES
from monitor.korean import particles
from monitor.vocab import Lang

_GENERAL: dict[str, tuple[str, str]] = {
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
    "col.chat_id": ("채팅 ID", "Chat ID"),
    "seed.retired": ("퇴역", "retired"),
    "seed.kind.commitment": ("공약", "commitments"),
    "seed.kind.milestone": ("마일스톤", "milestones"),
    "seed.kind.document": ("원문", "documents"),
    "seed.kind.finding": ("일관성 점검", "findings"),
    "seed.kind.jurisdiction": ("지자체", "jurisdictions"),
    "seed.kind.meta": ("메타", "meta"),
    "seed.kind.progress_report": ("진행 보고", "progress reports"),
    "seed.kind.published_total": ("공표 총계", "published totals"),
    "seed.kind.reference_list": ("참고 목록", "reference lists"),
    "seed.kind.pledger": ("공약 주체", "pledgers"),
    "seed.kind.commitment_pledgers": ("공약–주체 연결", "commitment–pledger links"),
    "col.at": ("시각", "At"),
    "col.channel": ("경로", "Channel"),
    "col.actor": ("요청자", "Actor"),
    "col.command": ("명령", "Command"),
    "col.allowed": ("허용", "Allowed"),
    "col.detail": ("내용", "Detail"),
    "col.user_id": ("사용자 ID", "User ID"),
    "col.name": ("이름", "Name"),
    "col.added_at": ("등록 시각", "Added"),
    "col.code_prefix": ("코드 접두", "Code prefix"),
    "col.min_severity": ("최소 등급", "Minimum severity"),
    "col.disabled": ("중지 사유", "Disabled"),
    "col.destination": ("수신처", "Destination"),
    "col.event": ("이벤트", "Event"),
    "col.attempts": ("시도", "Attempts"),
    "col.sent_at": ("보낸 시각", "Sent"),
    "col.next_try": ("다음 시도", "Next try"),
    "col.last_error": ("마지막 오류", "Last error"),
    "value.yes": ("예", "yes"),
    "value.no": ("아니오", "no"),
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
    # what kind of check a finding is, as `monitor validate` heads it (the JSON keeps the rule key)
    "finding.label.budget_row_total": ("연차 합계와 총계 불일치", "year columns vs. total"),
    "finding.label.budget_children": ("하위 사업 합계 불일치", "children vs. parent"),
    "finding.label.budget_published_total": ("공표 총계 불일치", "published total"),
    "finding.label.conflicting_statement": ("문서 내 상충 기재", "conflicting statement"),
    "finding.label.published_count": ("공표 개수 불일치", "published count"),
}

# The operator's tables and confirmations (monitor/cli/telegram_cmds.py, silence_cmds.py, metrics_cmds.py,
# replay_cmds.py): stored values by their label, empty lists in one line.
_OPERATOR: dict[str, tuple[str, str]] = {
    "severity.info": ("알림", "info"),
    "severity.warning": ("경고", "warning"),
    "severity.critical": ("긴급", "critical"),
    "outbox.state.pending": ("대기", "pending"),
    "outbox.state.sent": ("보냄", "sent"),
    "outbox.state.failed": ("실패", "failed"),
    "empty.outbox": ("발송 기록이 없습니다.", "No deliveries."),
    "empty.subscriptions": ("구독이 없습니다.", "No subscriptions."),
    "empty.officials": ("등록된 담당 공무원이 없습니다.", "No officials on the roster."),
    "empty.attempts": ("기록된 시도가 없습니다.", "No attempts recorded."),
    "empty.silences": ("무음 설정이 없습니다.", "No silences."),
    "metrics.candidate": ("{count} (후보 {candidates})", "{count} (candidate {candidates})"),
    "replay.header": ("{at} {place} — 알림 {count}건", "{at} {place} — {count} notifications"),
    "summary.subscribed": (
        "구독 #{id} (채팅 {chat}): {filters}",
        "Subscription #{id} (chat {chat}): {filters}",
    ),
    "summary.unsubscribed": (
        "채팅 {chat}의 구독 {count}건 해지",
        "{count} subscription(s) of chat {chat} ended",
    ),
    "summary.official_added": (
        "담당 공무원 #{id} {name}{user} → {place}",
        "Official #{id} {name}{user} → {place}",
    ),
    "summary.official_user": (" (텔레그램 {user})", " (Telegram {user})"),
    "summary.official_removed": (
        "{who}: 명단에서 {count}건 삭제",
        "{who}: removed from the roster ({count})",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {**_GENERAL, **WRITE_MESSAGES, **REPORT_MESSAGES, **_OPERATOR}


def t(key: str, lang: Lang, **values: object) -> str:
    ko, en = MESSAGES[key]
    return particles(ko.format(**values)) if lang == "ko" else en.format(**values)


def finding_label(rule: str, lang: Lang) -> str:
    """What kind of consistency check a finding is (연차 합계와 총계 불일치 …); an unnamed rule as its key."""
    key = f"finding.label.{rule}"
    return t(key, lang) if key in MESSAGES else rule


def amount(value: Decimal | str | None) -> str:
    """A figure with thousands separators, digits as published: 57421.40 → 57,421.40."""
    if value is None:
        return ""
    return f"{Decimal(value):,}"
