"""The Korean of every help text of the command line (monitor/cli/help_ko.py installs it).

The code keeps its help texts in English, in the click decorators; `HELP_KO` maps each of them to its
Korean. A key is the English text as `help_key` normalises it — paragraphs separated by one blank line,
the words of each paragraph joined by single spaces — so rewrapping a docstring keeps its entry. Option
names, codes, file names, environment variables, `monitor …` examples and JSON field names stay as they
are. tests/test_help_korean.py lists every text of the command tree that has no entry.
"""

from __future__ import annotations

HELP_KO: dict[str, str] = {
    # monitor
    (
        "공약 이행 모니터 — pledge implementation monitor.\n\nStores the milestone targets of public "
        "pledges, lets officials log progress and reports what is overdue, due soon or inconsistent. "
        "Configuration comes from MONITOR_* environment variables, a .env file and an optional TOML file; "
        "see the README."
    ): (
        "공약 이행 모니터.\n\n공개된 공약의 이행 목표(마일스톤)를 저장하고, 담당 공무원이 진행 보고를 "
        "기록하게 하며, 기한 초과·기한 임박·불일치 항목을 알립니다. 설정은 MONITOR_* 환경 변수, .env 파일, "
        "선택적인 TOML 파일에서 읽습니다. 자세한 내용은 README를 보세요."
    ),
    "TOML configuration file (default: $MONITOR_CONFIG; see config/monitor.example.toml).": (
        "TOML 설정 파일 (기본값: $MONITOR_CONFIG; config/monitor.example.toml 참고)."
    ),
    "Language of the output (default: the language setting).": "출력 언어 (기본값: language 설정).",
    "Log more (-v info, -vv debug).": "로그를 더 자세히 남깁니다 (-v info, -vv debug).",
    "Show the version and exit.": "버전을 보여 주고 끝냅니다.",
    # monitor check
    (
        "Run one evaluation pass and print every state that is not OK, with its reason.\n\nRead-only: "
        "alerts are neither created nor sent. JSON objects carry code, jurisdiction, rule, state, since, "
        "due and reason (see the README); the whole country is streamed part by part."
    ): (
        "평가를 한 번 실행해, 정상(OK)이 아닌 모든 상태를 그 이유와 함께 출력합니다.\n\n읽기 전용입니다: "
        "경보를 만들지도 보내지도 않습니다. JSON 객체에는 code, jurisdiction, rule, state, since, due, "
        "reason이 들어 있습니다(README 참고). 전국 데이터는 부분별로 나누어 차례로 출력합니다."
    ),
    "Evaluate the world at this instant, using only progress entered by then (default: now).": (
        "이 시점의 상태를, 그때까지 입력된 진행 보고만으로 평가합니다 (기본값: 지금)."
    ),
    "Only items this jurisdiction, or one below it, is party to (gwangju covers gwangju-seo).": (
        "이 지자체나 그 하위 지자체가 당사자인 항목만 (gwangju는 gwangju-seo도 포함)."
    ),
    "Output format: a table for people, JSON for programs.": (
        "출력 형식: 사람이 읽을 표, 프로그램이 읽을 JSON."
    ),
    "Output format: a table for people, JSON or CSV for programs.": (
        "출력 형식: 사람이 읽을 표, 프로그램이 읽을 JSON 또는 CSV."
    ),
    "Show every column, however wide (default: what fits the terminal).": (
        "넓어도 모든 열을 보여 줍니다 (기본값: 터미널 너비에 맞는 열만)."
    ),
    # monitor export
    (
        "Export the registry with its history as open data.\n\nJurisdictions, source documents (metadata "
        "and sha256, not the text), commitments with their parties, milestones, target revisions, every "
        "progress report (corrections point at what they correct with corrects_id), official status "
        "changes, published totals and consistency findings. Decimals are exact strings, dates ISO 8601, "
        "instants with the configured zone's offset; rows in id order. Files are written to a temporary "
        "name first, so a reader never sees half an export."
    ): (
        "공약 등록부를 이력과 함께 공공데이터로 내보냅니다.\n\n지자체, 원본 문서(본문은 빼고 메타데이터와 "
        "sha256), 당사자를 포함한 공약, 마일스톤, 목표 변경, 모든 진행 보고(정정 보고는 corrects_id로 정정 "
        "대상을 가리킴), 공식 상태 변경, 공표된 합계, 정합성 점검 결과를 담습니다. 소수는 정확한 문자열로, "
        "날짜는 ISO 8601로, 시각은 설정된 시간대의 오프셋과 함께 쓰며, 행은 id 순서입니다. 파일은 먼저 "
        "임시 이름으로 쓰므로, 읽는 쪽이 반쯤 쓰인 내보내기를 보는 일은 없습니다."
    ),
    (
        "json: one document {exported_at, as_of, tables: {name: [rows]}}. csv: one NAME.csv per table in "
        "--out DIR, UTF-8 with a byte-order mark (BOM) so Excel shows Korean correctly, first row the "
        "column names."
    ): (
        "json: 문서 하나 {exported_at, as_of, tables: {name: [rows]}}. csv: --out DIR 폴더에 표마다 "
        "NAME.csv 하나. Excel에서 한글이 제대로 보이도록 바이트 순서 표시(BOM)가 붙은 UTF-8이며, 첫 행은 "
        "열 이름입니다."
    ),
    "json: the file to write (default: standard output). csv: the folder to write (required).": (
        "json: 쓸 파일 (기본값: 표준 출력). csv: 쓸 폴더 (필수)."
    ),
    (
        "Leave out history (progress reports, status changes, revisions) entered after this instant "
        "(default: now)."
    ): ("이 시점 뒤에 입력된 이력(진행 보고, 상태 변경, 목표 변경)은 뺍니다 (기본값: 지금)."),
    # monitor init
    (
        "Create or upgrade the database, then load the seeds.\n\nSafe to run again: the schema is only "
        "upgraded (data is kept) and reloading unchanged seeds changes nothing."
    ): (
        "데이터베이스를 만들거나 업그레이드한 뒤 시드를 불러옵니다.\n\n다시 실행해도 안전합니다: 스키마는 "
        "업그레이드만 되고(데이터는 그대로), 바뀌지 않은 시드를 다시 불러와도 아무것도 바뀌지 않습니다."
    ),
    "Seed folder or file (default: seeds_dir setting).": "시드 폴더 또는 파일 (기본값: seeds_dir 설정).",
    "Only create or upgrade the database schema.": "데이터베이스 스키마만 만들거나 업그레이드합니다.",
    # monitor list
    "List milestones in due order. JSON fields are documented in the README.": (
        "마일스톤을 기한 순서로 나열합니다. JSON 필드는 README에 설명되어 있습니다."
    ),
    "Only milestones of commitments this jurisdiction is party to.": (
        "이 지자체가 당사자인 공약의 마일스톤만."
    ),
    "Only milestones of this kind.": "이 종류의 마일스톤만.",
    "Only milestones due by the start of DATE (YYYY-MM-DD, configured time zone).": (
        "DATE(YYYY-MM-DD, 설정된 시간대)가 시작되기 전까지가 기한인 마일스톤만."
    ),
    "Also list milestones removed from the seeds.": "시드에서 빠진 마일스톤도 나열합니다.",
    # monitor metrics
    "완료율, 목표달성도, 재정확보율 and 집행률 per jurisdiction (see the README for the definitions).": (
        "지자체별 완료율, 목표달성도, 재정확보율, 집행률 (정의는 README 참고)."
    ),
    "As known at this instant (default: now).": "이 시점에 알려진 내용 기준 (기본값: 지금).",
    "Year whose targets count for 목표달성도 (default: the as-of year).": (
        "목표달성도에 셈할 목표의 연도 (기본값: as-of 시점의 연도)."
    ),
    "Only this jurisdiction and those below it (gwangju: gwangju-seo too).": (
        "이 지자체와 그 하위 지자체만 (gwangju: gwangju-seo도 포함)."
    ),
    "One row per jurisdiction and category (분야).": "지자체와 분야마다 한 행씩.",
    # monitor officials
    "The roster of officials who may report progress through the bot (/log).": (
        "봇(/log)으로 진행 보고를 할 수 있는 담당 공무원 명단."
    ),
    # monitor officials add
    (
        "Allow NAME (`--by NAME` on the command line and in imports) and, with USER_ID, that Telegram user "
        "(/log) to report progress for one jurisdiction. Every change of the roster is chained (monitor "
        "verify)."
    ): (
        "NAME(명령줄과 가져오기의 `--by NAME`)과, USER_ID를 주면 그 텔레그램 사용자(/log)가 한 지자체의 "
        "진행 보고를 할 수 있게 합니다. 명단의 모든 변경은 이력 체인에 기록됩니다(monitor verify)."
    ),
    "The jurisdiction they report for.": "진행 보고를 맡는 지자체.",
    "Name or department, recorded as the reporter.": "이름 또는 부서 (보고자로 기록됨).",
    "Who adds them.": "명단에 추가하는 사람.",
    # monitor officials attempts
    (
        "Show who tried to write: through the bot (/log, group settings), allowed or refused, and refused "
        "writes from the command line and imports."
    ): (
        "쓰기를 시도한 사람을 보여 줍니다: 봇을 통한 시도(/log, 그룹 설정)는 허용·거부 모두, 명령줄과 "
        "가져오기에서는 거부된 쓰기."
    ),
    "Only refused attempts.": "거부된 시도만.",
    "Most recent first.": "최근 것부터.",
    # monitor officials list
    "List the officials on the roster.": "명단에 있는 담당 공무원을 나열합니다.",
    # monitor officials remove
    (
        "Take WHO (a Telegram user id or a name) off the roster; a /log waiting for confirmation is then "
        "refused."
    ): ("WHO(텔레그램 사용자 id 또는 이름)를 명단에서 뺍니다. 확인을 기다리던 /log는 거부됩니다."),
    "Only this jurisdiction (default: all of theirs).": "이 지자체에서만 (기본값: 맡은 지자체 전부).",
    "Who removes them.": "명단에서 빼는 사람.",
    # monitor outbox
    "The notification outbox: every delivery, pending, sent or failed.": (
        "알림 발송함: 대기 중·발송됨·실패한 모든 전송."
    ),
    # monitor outbox list
    "Show deliveries: destination, attempts, message ids, last error.": (
        "전송 내역을 보여 줍니다: 수신처, 시도 횟수, 메시지 id, 마지막 오류."
    ),
    "Only these states.": "이 상태들만.",
    "Only this destination (telegram:CHAT_ID, file …).": "이 수신처만 (telegram:CHAT_ID, file …).",
    # monitor progress
    "Report progress on milestones and commitments.": "마일스톤과 공약의 진행 상황을 보고합니다.",
    # monitor progress import
    (
        "Import progress from FILE (.csv or .xlsx, one report per row; Korean or English headers).\n\nThe "
        "whole file is checked first. Any problem — unknown code, wrong unit or type, negative amount, a "
        "cumulative value going down, a future as-of date, a malformed URL, a duplicate row — is listed as "
        "FILE:ROW:COLUMN, nothing is written and the exit code is 2. A name not on the roster for every "
        "row's jurisdiction is refused (exit code 3, recorded). Make a file to fill in with `progress "
        "template`."
    ): (
        "FILE(.csv 또는 .xlsx, 한 행에 보고 하나, 한국어 또는 영어 머리글)에서 진행 보고를 가져옵니다.\n\n"
        "먼저 파일 전체를 검사합니다. 문제가 하나라도 있으면 — 모르는 코드, 잘못된 단위나 형식, 음수 금액, "
        "줄어드는 누적값, 미래의 기준일, 잘못된 URL, 중복 행 — FILE:ROW:COLUMN 형식으로 모두 나열하고, "
        "아무것도 쓰지 않으며 종료 코드는 2입니다. 어느 행이든 그 지자체의 명단에 없는 이름이면 거부되고 "
        "기록됩니다(종료 코드 3). 채워 넣을 파일은 `progress template`으로 만드세요."
    ),
    "Check and show every report that would be written; write nothing.": (
        "검사하고 쓰일 보고를 모두 보여 주기만 합니다. 아무것도 쓰지 않습니다."
    ),
    "A row whose cumulative value goes down corrects the milestone's latest report (else: an error).": (
        "누적값이 줄어드는 행은 그 마일스톤의 최근 보고를 정정합니다 (이 옵션이 없으면 오류)."
    ),
    (
        "The figures are right even though far past the plan or target (executed or secured above planned "
        "× plausible_factor, a cumulative value past 10 × its target)."
    ): (
        "계획이나 목표를 크게 넘지만 수치가 맞다고 확인합니다 (집행액이나 확보액이 계획액 × "
        "plausible_factor를 넘거나, 누적값이 목표의 10배를 넘는 경우)."
    ),
    "Who reports: a name on the officials roster for the jurisdiction of every row.": (
        "보고하는 사람: 모든 행의 지자체에서 담당 공무원 명단에 있는 이름."
    ),
    # monitor progress log
    (
        "Append a progress report for CODE (a milestone CODE.key, or a commitment for its official "
        "status).\n\nA running daemon notices within its poll interval, re-evaluates what changed and "
        "re-plans. A name not on the roster, or outside its jurisdiction, is refused (exit code 3) and the "
        "refusal is recorded."
    ): (
        "CODE에 진행 보고를 추가합니다 (마일스톤은 CODE.key, 공약은 그 공식 상태).\n\n실행 중인 데몬은 "
        "폴링 간격 안에 이를 알아채고, 바뀐 것을 다시 평가해 일정을 다시 세웁니다. 명단에 없거나 맡은 "
        "지자체 밖의 이름은 거부되고(종료 코드 3) 그 거부가 기록됩니다."
    ),
    "Reported quantity (cumulative total for cumulative targets).": (
        "보고하는 수량 (누적 목표이면 누적 합계)."
    ),
    "Milestone status (done, started, held, cancelled) or a commitment's official status (정상추진 …).": (
        "마일스톤 상태(done, started, held, cancelled) 또는 공약의 공식 상태(정상추진 …)."
    ),
    "The event was held (same as --status held).": "행사가 열렸습니다 (--status held와 같음).",
    "Budget tranche: amount executed, in 백만원.": "예산 연차: 집행액 (백만원).",
    "Budget tranche: amount secured, in 백만원.": "예산 연차: 확보액 (백만원).",
    "Date the report describes (default: today in the configured zone).": (
        "보고가 다루는 날짜 (기본값: 설정된 시간대의 오늘)."
    ),
    "Free text.": "자유 메모.",
    "Evidence link; repeat for several.": "근거 링크. 여러 개면 되풀이해 주세요.",
    "Corrects the latest report of this milestone (a new row).": (
        "이 마일스톤의 최근 보고를 정정합니다 (새 행으로 기록)."
    ),
    "Who reports: a name on the officials roster (monitor officials add) for the jurisdiction.": (
        "보고하는 사람: 그 지자체의 담당 공무원 명단(monitor officials add)에 있는 이름."
    ),
    # monitor progress template
    (
        "Write a file to fill in: one row per active milestone and per commitment of the jurisdiction.\n\n"
        "It lists title, kind, target, unit, due date and the latest report; fill in 기준일 and what "
        "changed (실적, 상태, amounts …) and import it with `progress import`. Rows left empty are skipped."
    ): (
        "채워 넣을 파일을 씁니다: 지자체의 현행 마일스톤과 공약마다 한 행씩.\n\n제목, 종류, 목표, 단위, "
        "기한과 최근 보고가 들어 있습니다. 기준일과 바뀐 내용(실적, 상태, 금액 …)을 채운 뒤 `progress "
        "import`로 가져오세요. 비워 둔 행은 건너뜁니다."
    ),
    "Whose milestones and commitments to list.": "마일스톤과 공약을 나열할 지자체.",
    "File type (default: the suffix of --out, .xlsx or .csv; xlsx without --out).": (
        "파일 형식 (기본값: --out 파일 이름의 확장자 .xlsx 또는 .csv; --out 이 없으면 xlsx)."
    ),
    "Where to write it, a .xlsx or .csv file (default: progress-SLUG.xlsx in the current folder).": (
        "쓸 위치, .xlsx 또는 .csv 파일 (기본값: 현재 폴더의 progress-SLUG.xlsx)."
    ),
    "Overwrite an existing file.": "이미 있는 파일을 덮어씁니다.",
    # monitor replay
    (
        "Print, in order, the notifications the daemon would have sent over a period.\n\nUses the same "
        "dedup, repeat, silence, inhibition, grouping and resolve rules as the daemon, starting with no "
        "alert state at --from and reading only the progress entered by each step."
    ): (
        "어떤 기간 동안 데몬이 보냈을 알림을 순서대로 출력합니다.\n\n데몬과 같은 중복 제거, 반복, 묵음, "
        "억제, 묶음, 해소 규칙을 씁니다. --from 시점에 경보 상태 없이 시작하며, 각 단계에서는 그때까지 "
        "입력된 진행 보고만 읽습니다."
    ),
    "First instant (a date is its 00:00).": "첫 시점 (날짜는 그날 00:00).",
    "Last instant, included.": "마지막 시점 (포함).",
    "Time between evaluations (e.g. 1d, 6h).": "평가 사이의 간격 (예: 1d, 6h).",
    "Only notifications a watchdog of this jurisdiction gets.": "이 지자체의 감시단체가 받는 알림만.",
    # monitor report
    "Reports as Markdown, HTML, CSV or JSON (the feed: Atom), as known at an instant (--as-of).": (
        "보고서를 Markdown, HTML, CSV 또는 JSON으로 만듭니다 (피드는 Atom). 어느 시점에 알려진 내용을 "
        "기준으로 합니다(--as-of)."
    ),
    # monitor report budget
    "Planned vs secured vs executed per line and year, 재정확보율, 집행률, the table's findings.": (
        "사업·연도별 계획 대비 확보·집행, 재정확보율, 집행률, 표의 점검 결과."
    ),
    "Only this jurisdiction (an agreement counts for every party).": (
        "이 지자체만 (협약은 모든 당사자에 포함)."
    ),
    "Write to this file (folders are created; replaced atomically) instead of stdout.": (
        "표준 출력 대신 이 파일에 씁니다 (폴더는 만들어지고, 파일은 원자적으로 바뀜)."
    ),
    "md: Markdown tables; html: one self-contained page; csv: the main table; json: everything.": (
        "md: Markdown 표, html: 그 자체로 완결된 페이지 하나, csv: 주 표, json: 전부."
    ),
    # monitor report card
    "One commitment's 공약관리카드: milestones, every report and status change, revisions, states.": (
        "공약 하나의 공약관리카드: 마일스톤, 모든 진행 보고와 상태 변경, 목표 변경, 상태."
    ),
    # monitor report digest
    "Overdue (new and ongoing), resolved since the previous digest, due soon, recent progress.": (
        "기한 초과(새로 생긴 것과 계속되는 것), 지난 요약 뒤 해소된 것, 기한 임박, 최근 진행 보고."
    ),
    "The previous digest (default: --as-of minus 7 days).": (
        "지난 요약의 시점 (기본값: --as-of에서 7일 전)."
    ),
    "Look-ahead for deadlines.": "기한 임박으로 내다볼 기간(일).",
    # monitor report feed
    "An Atom feed of official status changes, progress reports and alert transitions (always Atom).": (
        "공식 상태 변경, 진행 보고, 경보 변화의 Atom 피드 (언제나 Atom)."
    ),
    "Always Atom; nothing else is accepted.": "언제나 Atom이며, 다른 형식은 받지 않습니다.",
    # monitor report status
    "The evaluation table: official statuses, 완료율, 목표달성도, overdue and at-risk pledges.": (
        "평가표: 공식 상태, 완료율, 목표달성도, 기한 초과와 미달 위험 공약."
    ),
    # monitor run
    (
        "Run the monitor: detect, alert and sleep until the next state change.\n\nCreates or upgrades the "
        "database and loads the seeds first (idempotent). Alerts are printed here and appended to the "
        "alerts_file setting (JSON lines); with a Telegram token, subscribed chats get them too. Stop "
        "with Ctrl-C or SIGTERM: the step in flight finishes, then the exit status is 0."
    ): (
        "모니터를 실행합니다: 감지하고 경보를 보낸 뒤 다음 상태 변화까지 잠듭니다.\n\n먼저 데이터베이스를 "
        "만들거나 업그레이드하고 시드를 불러옵니다(여러 번 해도 결과가 같음). 경보는 여기에 출력되고 "
        "alerts_file 설정의 파일에 덧붙여집니다(JSON lines). 텔레그램 토큰이 있으면 구독한 채팅에도 "
        "보냅니다. Ctrl-C나 SIGTERM으로 멈추면 진행 중인 단계를 마친 뒤 종료 상태 0으로 끝납니다."
    ),
    "Evaluate and deliver once, then exit (for cron or a first look).": (
        "한 번 평가하고 전달한 뒤 끝냅니다 (cron용, 또는 처음 살펴볼 때)."
    ),
    "Do not (re)load the seeds at start.": "시작할 때 시드를 (다시) 불러오지 않습니다.",
    # monitor seed
    (
        "Validate and load seed files (default: the seeds_dir setting) into the database.\n\nRecords are "
        "matched by code: edited records are updated in place and keep their progress reports; records "
        "removed from the files are retired, not deleted. On any schema problem nothing is written."
    ): (
        "시드 파일(기본값: seeds_dir 설정)을 검증해 데이터베이스에 불러옵니다.\n\n레코드는 코드로 "
        "맞춥니다: 수정된 레코드는 그 자리에서 갱신되어 진행 보고를 그대로 가지고, 파일에서 빠진 레코드는 "
        "지우지 않고 폐기 처리합니다. 스키마 문제가 하나라도 있으면 아무것도 쓰지 않습니다."
    ),
    # monitor show
    "Show one commitment (with its milestones, status history, progress and source text) or milestone.": (
        "공약 하나(마일스톤, 상태 이력, 진행 보고, 원문과 함께) 또는 마일스톤 하나를 보여 줍니다."
    ),
    # monitor silence
    "Mute alerts for a code prefix or a jurisdiction until an end time.": (
        "코드 접두사나 지자체의 경보를 정한 시각까지 묵음 처리합니다."
    ),
    # monitor silence add
    "Add a silence. Matching alerts still change state but send nothing until it ends.": (
        "묵음을 추가합니다. 해당 경보는 상태는 계속 바뀌지만 묵음이 끝날 때까지 아무것도 보내지 않습니다."
    ),
    "Code prefix (DJ-9 matches DJ-9, DJ-9-3 and DJ-9-3.key).": (
        "코드 접두사 (DJ-9는 DJ-9, DJ-9-3, DJ-9-3.key에 해당)."
    ),
    "Every alert of commitments this jurisdiction is party to.": "이 지자체가 당사자인 공약의 모든 경보.",
    "End of the silence (a date means its 00:00).": "묵음이 끝나는 시각 (날짜는 그날 00:00).",
    "Or a length from now (e.g. 14d).": "또는 지금부터의 기간 (예: 14d).",
    "Why (shown in `silence list`).": "이유 (`silence list`에 표시).",
    "Who sets it.": "묵음을 거는 사람.",
    # monitor silence list
    "List silences in force (or all).": "효력 중인 묵음(또는 전부)을 나열합니다.",
    "Also silences that ended or were removed.": "끝났거나 해제된 묵음도.",
    # monitor silence remove
    "End silence SILENCE_ID now; alerts it muted are announced if they still fire.": (
        "묵음 SILENCE_ID를 지금 끝냅니다. 이 묵음이 가리던 경보가 아직 발생 중이면 알립니다."
    ),
    "Who removes it.": "묵음을 해제하는 사람.",
    # monitor subscribe
    (
        "Send matching alerts to Telegram chat CHAT_ID (negative for groups). Filters combine; none means "
        "every alert. A chat disabled by a delivery error is enabled again."
    ): (
        "조건에 맞는 경보를 텔레그램 채팅 CHAT_ID(그룹은 음수)로 보냅니다. 필터는 모두 함께 적용되며, "
        "필터가 없으면 모든 경보를 보냅니다. 전송 오류로 꺼진 채팅은 다시 켜집니다."
    ),
    "Only commitments this jurisdiction is party to.": "이 지자체가 당사자인 공약만.",
    "Only this code and everything under it (DJ-9 …).": "이 코드와 그 아래 전부만 (DJ-9 …).",
    "Only this category (분야), as written in the seeds.": "시드에 적힌 대로의 이 분야만.",
    "Minimum severity.": "최소 심각도.",
    "The chat's language.": "채팅의 언어.",
    "Who subscribes it.": "구독을 등록하는 사람.",
    # monitor subscriptions
    "List active subscriptions, with each chat's language and whether it is disabled (and why).": (
        "활성 구독을 나열합니다. 채팅마다 언어와, 꺼졌는지(그리고 그 이유)도 보여 줍니다."
    ),
    "Only this chat.": "이 채팅만.",
    # monitor unsubscribe
    "End the subscriptions of CHAT_ID (all of them, or one with --id).": (
        "CHAT_ID의 구독을 끝냅니다 (전부, 또는 --id로 하나만)."
    ),
    "End only this subscription.": "이 구독만 끝냅니다.",
    # monitor validate
    (
        "Check seed files without touching the database.\n\nSchema problems (missing field, bad date, "
        "duplicate code, unknown parent or unit, a figure not on its cited line) are printed as file:line "
        "and exit with status 1. Consistency findings — published figures that do not add up, one fact "
        "stated twice differently — are reported but are not errors."
    ): (
        "데이터베이스를 건드리지 않고 시드 파일을 검사합니다.\n\n스키마 문제(빠진 필드, 잘못된 날짜, 중복 "
        "코드, 모르는 상위 항목이나 단위, 인용한 줄에 없는 수치)는 file:line 형식으로 출력하고 종료 상태 "
        "1로 끝납니다. 정합성 점검 결과 — 합이 맞지 않는 공표 수치, 같은 사실이 두 번 다르게 적힌 경우 — "
        "는 보고하지만 오류는 아닙니다."
    ),
    "Exit with status 1 when there are consistency findings.": (
        "정합성 점검 결과가 있으면 종료 상태 1로 끝냅니다."
    ),
    # monitor verify
    (
        "Recompute the tamper-evident history chain (progress, official statuses, silences, the officials "
        "roster, access attempts) and name the first entry that was edited, deleted or reordered directly "
        "in the database. Exit code 0 when intact, 4 when not.\n\nPublish the head (`monitor verify "
        "--head`) somewhere the monitor's operators cannot change — a watchdog's web page, a post — and "
        "check it later with `--published`: a head that is no longer in the chain means history up to it "
        "was rewritten."
    ): (
        "변조를 드러내는 이력 체인(진행 보고, 공식 상태, 묵음, 담당 공무원 명단, 접근 시도)을 다시 계산해, "
        "데이터베이스에서 직접 수정·삭제되거나 순서가 바뀐 첫 항목을 알려 줍니다. 온전하면 종료 코드 0, "
        "아니면 4입니다.\n\n체인의 머리(`monitor verify --head`)를 모니터 운영자가 바꿀 수 없는 곳 — "
        "감시단체의 웹 페이지, 게시물 — 에 공개해 두고, 나중에 `--published`로 확인하세요. 머리가 더는 "
        "체인에 없으면 그때까지의 이력이 다시 쓰인 것입니다."
    ),
    "Print only the head (SEQ:HASH) to publish.": "공개할 머리(SEQ:HASH)만 출력합니다.",
    "A head published earlier (SEQ:HASH or HASH): check it is still in the chain.": (
        "전에 공개한 머리(SEQ:HASH 또는 HASH): 아직 체인에 있는지 확인합니다."
    ),
    "Machine-readable result.": "기계가 읽을 수 있는 결과.",
    # monitor pledger
    "Whose promise: candidates and officeholders, their terms and election outcomes (공약 주체).": (
        "누구의 약속인가: 후보와 현직 단체장, 그 임기와 선거 결과 (공약 주체)."
    ),
    "Record that candidate KEY was elected: their pledges become the officeholder's from the term start.": (
        "후보 KEY가 당선되었음을 기록합니다: 그 공약은 임기 시작일부터 현직 단체장의 공약이 됩니다."
    ),
    "The day the outcome holds from (default: the election day).": "결과가 효력을 갖는 날 (기본값: 선거일).",
    "Every pledger: role, office, term, election, outcome, how many commitments are theirs.": (
        "모든 공약 주체: 역할, 직위, 임기, 선거, 결과, 그에게 속한 공약 수."
    ),
    "Record that candidate KEY lost: no alert on their pledges any more.": (
        "후보 KEY가 낙선했음을 기록합니다: 그 공약에는 더 이상 경보를 보내지 않습니다."
    ),
    # monitor status
    (
        "Daemons seen (heartbeat, leader or follower), last and next pass, outbox backlog and failures, "
        "disabled chats and the history chain head.\n\nExits 1, after printing the status, when no "
        "daemon's heartbeat is fresh (see the README)."
    ): (
        "실행된 데몬(하트비트, 리더 또는 예비), 마지막·다음 평가, 발송 대기열과 실패, 중지된 채팅, 이력 "
        "체인의 머리를 보여 줍니다.\n\n하트비트가 최근인 데몬이 하나도 없으면 상태를 출력한 뒤 종료 코드 "
        "1로 끝납니다(README 참고)."
    ),
    # click's own options (--help, confirmation_option)
    "Show this message and exit.": "이 도움말을 보여 주고 끝냅니다.",
    "Confirm the action without prompting.": "묻지 않고 그대로 실행합니다.",
}
