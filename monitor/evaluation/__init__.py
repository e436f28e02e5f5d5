"""Evaluation: facts from the database (`facts`), one pass of every rule (`run`), the daemon's wake-up
planner (`planner`) and the detect step that ties a pass to the alert lifecycle (`cycle`)."""
