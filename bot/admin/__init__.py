"""Administrators: verifying ateliers and claims, statistics."""
