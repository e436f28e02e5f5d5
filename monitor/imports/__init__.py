"""Bulk progress import from spreadsheets (CSV or Excel), and the templates officials fill in.

`import_progress` checks a whole file and writes all of it, or nothing, through the write path of
`log_progress` (one `Batch`: set-wise lookups, multi-row inserts, one chain append);
`write_template` makes a file listing a jurisdiction's milestones and commitments, ready to fill in.
"""

from __future__ import annotations

from monitor.imports.apply import ImportOutcome, WriteOptions, Written, import_progress
from monitor.imports.problems import ImportRejected, Problem
from monitor.imports.template import template_rows, write_template

__all__ = [
    "ImportOutcome",
    "ImportRejected",
    "Problem",
    "WriteOptions",
    "Written",
    "import_progress",
    "template_rows",
    "write_template",
]
