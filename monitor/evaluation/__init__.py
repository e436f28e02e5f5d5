"""Evaluation: facts from the database (`facts`), report summaries and SQL building blocks the snapshot
loads with (`summaries`, `sql`), one pass of every rule (`run`) and the daemon's wake-up planner
(`planner`). The detect step that ties a snapshot to the alert lifecycle is `monitor.daemon.detect`."""
