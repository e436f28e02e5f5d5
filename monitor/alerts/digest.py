"""Moved: the digest (it draws on `monitor metrics`' figures, which alerts must not know) is
`monitor.daemon.digest`. This name is kept only for monitor/telegram/actions.py, which still imports it
from here; tests/test_package_layering.py fails once nothing does (then delete this)."""

from monitor.daemon.digest import enqueue_digest

__all__ = ["enqueue_digest"]
