"""The clock: jobs that claim due deliveries from the outbox and send them."""
