"""Tamper-evident history: bulk writes to the hash chain (`chain`) and its verification (`verify`). The
chain's format and the session hook every write goes through are storage's own (`monitor.db.chain`)."""
