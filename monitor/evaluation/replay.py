"""Moved: `monitor replay` is `monitor.daemon.replay`. This name is kept only for
monitor/cli/engine_cmds.py, which still imports it from here; tests/test_package_layering.py fails once
nothing does (then delete this)."""

from monitor.daemon.replay import Message, replay

__all__ = ["Message", "replay"]
