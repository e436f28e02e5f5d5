"""The daemon (`monitor run`): job definitions (`jobs`), the scheduler around detect and send (`service`),
the detect step (`detect`: snapshot → alert lifecycle → outbox), the periodic digest (`digest`), report jobs
(`report_jobs`), and `replay` — the notifications detect would have sent over a past period."""
