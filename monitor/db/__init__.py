"""Storage: models, engine/session construction, migrations."""
