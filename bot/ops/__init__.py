"""Running Bottega in production: updates taken by long polling or a webhook and confirmed only
once handled, one active process among standbys (a PostgreSQL advisory lock), graceful stop,
health and metrics, JSON logs, and copying a database to another."""
