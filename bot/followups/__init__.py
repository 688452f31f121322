"""Scheduled follow-ups: the nudge after a confirmed brief and the monthly capacity check."""
