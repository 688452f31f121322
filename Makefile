# The few commands a newcomer needs. Each one creates the virtual environment it needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
DEMO_CSV := bot/data/demo_ateliers.csv
# Test worker processes (pytest-xdist): one per core; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: help venv run chat test lint typecheck fmt bench clean

help:
	@echo "make run    set up, migrate the database, load demo ateliers, start the bot (or the terminal chat)"
	@echo "make test   set up and run every check (lint, types, tests)"
	@echo "make chat   the terminal chat again; options as ARGS, e.g. make chat ARGS=\"--lang it\""
	@echo "make lint | typecheck | fmt | bench | clean"

$(STAMP):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/bottega db upgrade
	$(BIN)/bottega ateliers import $(DEMO_CSV)
	@if $(BIN)/python -c "import sys; from bot.config import load_settings; sys.exit(0 if load_settings().token else 1)" 2>/dev/null; then \
		$(BIN)/bottega run; \
	else \
		echo "TELEGRAM_BOT_TOKEN is not set: opening the terminal chat (the same bot, locally)."; \
		$(BIN)/bottega chat; \
	fi

# make chat ARGS="--lang it --admin": the terminal chat with options.
ARGS ?=
chat: venv
	$(BIN)/bottega db upgrade
	$(BIN)/bottega chat $(ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy --strict bot matching parsing localbotapi

test: lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/bench_conversations.py
	$(BIN)/python benchmarks/bench_digest.py
	$(BIN)/python benchmarks/bench_registry.py --sizes 10000 --databases sqlite

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
