"""Moved: the detect step is `monitor.daemon.detect`. This name is kept only for bench/national.py, which
still imports it from here; tests/test_package_layering.py fails once nothing does (then delete this)."""

from monitor.daemon.detect import CycleResult, detect, evaluate_all

__all__ = ["CycleResult", "detect", "evaluate_all"]
