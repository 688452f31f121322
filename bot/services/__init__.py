"""Use cases not yet in a feature folder: the registry import/export and the delivery queue. No Telegram here."""
