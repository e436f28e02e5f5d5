# ruff: noqa: E501  (a message catalogue, as monitor/i18n.py: one message per line reads best)
"""The write check's refusals (monitor/writecheck.py `check_report`), Korean and English: part of
`monitor.i18n.MESSAGES`, kept apart so that each module stays readable."""

from __future__ import annotations

WRITE_MESSAGES: dict[str, tuple[str, str]] = {
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
        "{code}은(는) 누적 목표로 {as_of}에 {was}이었(였)습니다. {value}(으)로 줄어듭니다 — 앞의 값이 틀렸다면 정정(--correction)으로 기록하세요",
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
}
