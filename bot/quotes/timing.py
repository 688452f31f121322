"""When the follow-ups of quotes and orders fall due: the one place to change them.

Use cases take a `Timing` (default `TIMING`), so a deployment or a test that wants other delays
passes its own instead of editing several modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Timing:
    # Remind the designer this long before a quote's "valid until" day ends.
    quote_expiry_notice: timedelta = timedelta(hours=48)
    # An atelier that accepted an introduction but has sent no quote after this long.
    quote_nudge_after: timedelta = timedelta(days=3)
    # A sample or a delivery counts as late this long after the promised day has ended.
    late_after: timedelta = timedelta(hours=0)
    # "How did it go?" this long after the designer confirms delivery (it replaces the question
    # 14 days after the introduction for ateliers that reached an order).
    feedback_after_delivery: timedelta = timedelta(days=7)
    # A quote is valid this long unless the atelier says otherwise.
    default_validity: timedelta = timedelta(days=14)


TIMING = Timing()
