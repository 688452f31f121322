"""Bottega: a Telegram bot that finds the right small atelier for an independent designer."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bottega")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
