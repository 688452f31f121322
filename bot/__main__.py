"""`python -m bot` is the `bottega` command."""

from bot.cli import main

main()
