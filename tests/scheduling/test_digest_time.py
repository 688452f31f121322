"""The digest is due on Monday at 09:00 in each user's own time zone, on both sides of DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.service import due_slot, next_digest_at, week_label

ROME = ZoneInfo("Europe/Rome")


def test_rome_gets_nine_local_in_winter_and_in_summer() -> None:
    # Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    before_spring = next_digest_at(datetime(2026, 3, 18, 12, tzinfo=UTC), ROME)
    after_spring = next_digest_at(datetime(2026, 3, 29, 12, tzinfo=UTC), ROME)
    before_autumn = next_digest_at(datetime(2026, 10, 14, 12, tzinfo=UTC), ROME)
    after_autumn = next_digest_at(datetime(2026, 10, 25, 12, tzinfo=UTC), ROME)

    for slot in (before_spring, after_spring, before_autumn, after_autumn):
        local = slot.astimezone(ROME)
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    assert before_spring == datetime(2026, 3, 23, 8, tzinfo=UTC)  # CET, UTC+1
    assert after_spring == datetime(2026, 3, 30, 7, tzinfo=UTC)  # CEST, UTC+2
    assert before_autumn == datetime(2026, 10, 19, 7, tzinfo=UTC)  # CEST
    assert after_autumn == datetime(2026, 10, 26, 8, tzinfo=UTC)  # CET, UTC+1
    assert next_digest_at(datetime(2026, 3, 16, 7, 59, tzinfo=UTC), ROME) == datetime(
        2026, 3, 16, 8, tzinfo=UTC
    )


def test_the_next_digest_is_strictly_after_now() -> None:
    monday_nine = datetime(2026, 3, 16, 8, tzinfo=UTC)  # 09:00 in Rome (CET)
    assert next_digest_at(monday_nine, ROME) == datetime(2026, 3, 23, 8, tzinfo=UTC)


def test_a_digest_is_composed_within_the_hour_before_it_is_due_and_not_long_after() -> None:
    due = datetime(2026, 3, 30, 7, tzinfo=UTC)  # Monday 09:00 CEST
    assert due_slot(due - timedelta(hours=2), ROME) is None
    assert due_slot(due - timedelta(minutes=30), ROME) == ("2026-W14", due)
    assert due_slot(due + timedelta(hours=3), ROME) == ("2026-W14", due)
    assert due_slot(due + timedelta(hours=13), ROME) is None


def test_each_zone_has_its_own_monday() -> None:
    now = datetime(2026, 3, 15, 20, 30, tzinfo=UTC)  # Monday 09:30 in Auckland already
    assert due_slot(now, ZoneInfo("Pacific/Auckland")) == (
        "2026-W12",
        datetime(2026, 3, 15, 20, tzinfo=UTC),
    )
    assert due_slot(now, ROME) is None


def test_week_labels_sort_and_cross_years() -> None:
    assert week_label(datetime(2026, 12, 31).date()) == "2026-W53"
    assert week_label(datetime(2027, 1, 4).date()) == "2027-W01"
