"""Tamper-evident history: the hash chain (`chain`) and its verification (`verify`)."""
