"""The clock: jobs that run the outbox sweeper and plan deliveries ahead; the message renderers."""
