"""Alert lifecycle (pure: `lifecycle`), its settings (`config`), muting (silences and inhibition: `muting`),
persistence and outbox (`store`)."""
