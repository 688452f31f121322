# Bottega in a container: a slim Python base, the project installed once, a non-root user.
# It migrates the database (`bottega db upgrade`, safe when replicas start together) and then
# runs the bot; several replicas on one PostgreSQL database keep one active and the others on
# standby. See README, "Deploying".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a change to the code does not reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
RUN pip install --no-compile . && pip uninstall -y bottega

COPY alembic.ini ./
COPY alembic alembic
COPY bot bot
COPY matching matching
COPY parsing parsing
COPY localbotapi localbotapi
# The lemmatiser's dictionaries, built into the image once instead of at every first start.
ENV XDG_CACHE_HOME=/app/cache
# Editable: the migrations are read beside the packages (bot/db/migrations.py).
RUN pip install --no-compile --no-deps -e . \
    && python -c "from matching.lemmas import prepare; prepare()" \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home bottega \
    && mkdir -p /app/var \
    && chown bottega:bottega /app/var

USER bottega

ENV LOG_FORMAT=json \
    HEALTH_LISTEN=0.0.0.0 \
    HEALTH_PORT=8080 \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8443

EXPOSE 8080 8443

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]

# SIGTERM (docker stop) ends `bottega run` gracefully within 10 s: `exec` makes it PID 1's
# process, so the signal reaches it.
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "bottega db upgrade && exec bottega run ${BOTTEGA_RUN_ARGS:-}"]
