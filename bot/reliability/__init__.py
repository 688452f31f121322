"""Measured reliability of ateliers, computed from what really happened."""
