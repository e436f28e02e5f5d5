"""Delivery: the notifier interface (`base`), message text (`render`), console and JSON-lines notifiers,
and the sender step that claims outbox rows and hands them to notifiers (`sender`)."""
