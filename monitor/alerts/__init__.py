"""Alert lifecycle (pure: `lifecycle`), its settings (`config`), muting (silences and inhibition: `muting`),
persistence and outbox (`store`), and what an outbox row carries, typed (`payload` for an alert, `outbox`
for every kind)."""
