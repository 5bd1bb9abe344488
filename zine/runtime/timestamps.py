"""The one timestamp a build may write into an edition (dates in metadata, zip entries, feeds).

``SOURCE_DATE_EPOCH`` when set (reproducible-builds.org), else midnight UTC of the issue's date,
else the Unix epoch: never the wall clock, so the same input always gives the same bytes.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def build_timestamp(issue_date: date | None) -> datetime:
    """``SOURCE_DATE_EPOCH`` if set, else midnight UTC of ``issue_date`` (else the epoch)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if issue_date is not None:
        return datetime(issue_date.year, issue_date.month, issue_date.day, tzinfo=UTC)
    return datetime.fromtimestamp(0, tz=UTC)
