"""Ateliers: registration, the profile and capacity, and how their answers are read."""
