"""Persistence: typed models, the engine and session factory, and migrations."""

from bot.db.base import Base, utcnow
from bot.db.engine import create_engine, create_session_factory

__all__ = ["Base", "create_engine", "create_session_factory", "utcnow"]
