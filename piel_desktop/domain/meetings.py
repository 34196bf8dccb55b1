"""Rules about meetings: selecting them by number and grouping those reported together."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from piel_desktop.domain.errors import InvalidMeetingSelection

#: Most meetings one selection may name; the group has met a few dozen times.
MOST_MEETINGS = 500
_PART = re.compile(r"^\s*(\d{1,4})\s*(?:[-–]\s*(\d{1,4})\s*)?$")


def parse_meeting_numbers(text: str) -> tuple[int, ...]:
    """Parse a selection such as ``"9-14"``, ``"9,12-14"`` or ``"10"``.

    Returns the sorted distinct numbers. Raises InvalidMeetingSelection (params: text)
    for anything else, including a range that runs backwards or names more than
    MOST_MEETINGS meetings.
    """
    numbers: set[int] = set()
    parts = text.split(",")
    for part in parts:
        match = _PART.match(part)
        if not match:
            raise InvalidMeetingSelection(text=text)
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or first < 1:
            raise InvalidMeetingSelection(text=text)
        numbers.update(range(first, last + 1))
        if len(numbers) > MOST_MEETINGS:
            raise InvalidMeetingSelection(text=text)
    return tuple(sorted(numbers))


def group_reported_together(meetings: Iterable[int],
                            outcome_meetings: Mapping[object, Iterable[int]]) -> list[tuple[int, ...]]:
    """Group meetings that share outcomes, as the seed report does (10 and 11, 12 and 13).

    ``meetings`` are meeting numbers in the order wanted; ``outcome_meetings`` maps each
    outcome to the numbers of the meetings that reported it. Two meetings are in one
    group when an outcome links them, directly or through other meetings. Groups come
    in the order of their first meeting; meetings inside a group keep the given order.
    """
    order = list(dict.fromkeys(meetings))
    parent = {m: m for m in order}

    def root(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for linked in outcome_meetings.values():
        linked = [m for m in linked if m in parent]
        for other in linked[1:]:
            parent[root(other)] = root(linked[0])
    groups: dict[int, list[int]] = {}
    for m in order:
        groups.setdefault(root(m), []).append(m)
    return [tuple(g) for g in groups.values()]
