"""Introductions: request, the atelier's answer, contacts or the next match, reminders and expiry."""
