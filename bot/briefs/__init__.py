"""Briefs after the interview: matches, picking ateliers, pause, resume, close."""
