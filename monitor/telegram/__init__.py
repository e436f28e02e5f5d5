"""Telegram: message rendering and splitting (`render`), rate limits (`limits`), the notifier (`notifier`),
chats, subscriptions and the officials roster (`chats`), bot commands (`commands`, `bot`), charts."""
