"""The operator's view of running daemons: is one alive, which leads, how far behind delivery is.

One typed snapshot (`monitor.ops.status.read_status`) is read from the database once and rendered by
`monitor status` (a table or JSON) and by the Prometheus metrics (`monitor.ops.telemetry`), so the two
never disagree on a number. Nothing here writes: the daemon writes its `daemons` row and feeds the
`Telemetry` counters; this package only reads and exposes.
"""
