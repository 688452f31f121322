"""Use cases: briefs, ateliers, introductions, follow-ups, digests. No Telegram here."""
