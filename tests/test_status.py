"""Follow-up status of outcomes: every allowed and every refused move, on a real archive."""

from __future__ import annotations

import itertools

import pytest

from piel_desktop.domain.errors import StatusMoveRefused
from piel_desktop.domain.model import STATUS_MOVES, OutcomeStatus, can_move
from piel_desktop.messages import describe
from piel_desktop.services import records
from piel_desktop.services.archive import fingerprint

pytestmark = pytest.mark.both_backends

S = OutcomeStatus
ALLOWED = {
    (S.PROPOSED, S.AGREED), (S.PROPOSED, S.SUPERSEDED), (S.PROPOSED, S.WITHDRAWN),
    (S.AGREED, S.IN_PROGRESS), (S.AGREED, S.IMPLEMENTED), (S.AGREED, S.SUPERSEDED),
    (S.AGREED, S.WITHDRAWN),
    (S.IN_PROGRESS, S.IMPLEMENTED), (S.IN_PROGRESS, S.SUPERSEDED), (S.IN_PROGRESS, S.WITHDRAWN),
}


def _status(archive, meeting, outcome_id):
    return next(o.status for o in records.meeting_outcomes(archive, [meeting.id]) if o.id == outcome_id)


def test_the_rule_table_is_the_documented_lifecycle():
    assert {(a, b) for a, targets in STATUS_MOVES.items() for b in targets} == ALLOWED


@pytest.mark.parametrize("current, new", list(itertools.product(S, S)))
def test_every_move(demo, current, new):
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    outcome = records.add_outcome(demo, text="Seguimiento", lang="es", meeting_ids=[meeting.id],
                                  status=current)
    before = fingerprint(demo)
    if current == new or (current, new) in ALLOWED:
        assert can_move(current, new)
        records.edit_outcome(demo, outcome, status=new.value)
        assert _status(demo, meeting, outcome) == new
    else:
        assert not can_move(current, new)
        with pytest.raises(StatusMoveRefused) as refused:
            records.edit_outcome(demo, outcome, status=new.value, addressee="secretariat")
        assert fingerprint(demo) == before  # nothing written, not even the other field
        message = describe(refused.value)
        assert "cannot" in message and "_" not in message  # status names, not codes
