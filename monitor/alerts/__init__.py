"""Alert lifecycle (pure: `lifecycle`), muting (silences and inhibition: `muting`), persistence and outbox
(`store`)."""
