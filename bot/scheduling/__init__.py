"""The clock: JobQueue jobs that run the outbox sweeper and plan deliveries ahead."""
