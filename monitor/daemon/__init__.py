"""The daemon (`monitor run`): job definitions (`jobs`), the scheduler around detect and send (`service`)."""
