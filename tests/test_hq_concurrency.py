"""Many staff on one HQ archive at once (issue 15): eight clients, each its own login
and connection, edit, delete and restore outcomes together for a while. Afterwards
every committed change is accounted for, and the same writes replayed one by one on
an archive file give the same records.

Each change's changeset names its account (changeset.account), so the order the
server committed them in is read back from the archive itself: a client's own
changesets, in stamp order, are its successful writes in the order it made them.
"""

from __future__ import annotations

import random
import threading
import uuid

import pytest



from piel_desktop.domain.errors import NothingToRestore, PielError
from piel_desktop.services import records, trash
from piel_desktop.services.archive import add_account, open_archive
from piel_desktop.storage import trash as storage_trash

CLIENTS = 8
STEPS = 24
#: Each edit writes a value no other edit writes, so none is a no-op (which would
#: leave no changeset to count).
ADDRESSEES = ("secretariat", "member states", "itu", "sector members")


def _outcomes(archive) -> list[uuid.UUID]:
    meetings = records.list_meetings(archive)
    return [o.id for o in records.meeting_outcomes(archive, [m.id for m in meetings])][:10]


def _restore(archive, outcome_id: uuid.UUID) -> None:
    """Restore the newest delete that removed ``outcome_id`` (trash.restore's errors)."""
    with archive.unit_of_work() as uow:
        found = [d.stamp for d in storage_trash.deletions(uow.raw)
                 if any(r.table == "outcome" and r.key == [outcome_id.hex] for r in d.rows)]
    if not found:
        raise NothingToRestore()
    trash.restore(archive, found[0])


def _apply(archive, step: tuple) -> None:
    action, outcome_id, value = step
    if action == "addressee":
        records.edit_outcome(archive, outcome_id, addressee=value)
    elif action == "label":
        records.edit_outcome(archive, outcome_id, label=value)
    elif action == "delete":
        records.delete_outcome(archive, outcome_id)
    else:
        _restore(archive, outcome_id)


def _state(archive, ids: list[uuid.UUID]) -> dict:
    """What each outcome holds (None for a deleted one), without clocks or times."""
    state = {}
    for outcome_id in ids:
        try:
            fields = records.outcome_fields(archive, outcome_id)
        except PielError:
            state[outcome_id] = None
            continue
        state[outcome_id] = {k: fields[k] for k in ("addressee", "label", "status", "kind")}
    return state


def test_eight_staff_at_once_lose_nothing_and_match_a_replay_on_a_file(demo_server_url, demo_path, pg_server):
    database = demo_server_url.rsplit("/", 1)[1]
    with open_archive(demo_server_url) as owner:
        for n in range(CLIENTS):
            add_account(owner, f"staff{n}", "admin", f"pw-{n}")
        ids = _outcomes(owner)
    done: dict[int, list[tuple]] = {n: [] for n in range(CLIENTS)}
    reported: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(n: int) -> None:
        rng = random.Random(n)
        try:
            with open_archive(pg_server.url(database, user=f"staff{n}", password=f"pw-{n}")) as hq:
                start.wait()
                for i in range(STEPS):
                    action = rng.choice(("addressee",) * 3 + ("label",) * 3 + ("delete", "restore", "restore"))
                    value = f"{rng.choice(ADDRESSEES)} {n}.{i}" if action == "addressee" else f"{n}.{i}"
                    step = (action, rng.choice(ids), value)
                    try:
                        _apply(hq, step)
                    except PielError as error:  # reported: the record was gone, nothing to restore
                        reported.append(type(error).__name__)
                        continue
                    done[n].append(step)
        except BaseException as error:  # anything else is a failed transaction nobody reported
            failures.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert sum(map(len, done.values())) > CLIENTS * STEPS // 3  # many went through, of every kind
    assert {step[0] for steps in done.values() for step in steps} == {"addressee", "label", "delete", "restore"}
    assert set(reported) <= {"RecordNotFound", "NothingToRestore"}, set(reported)

    with open_archive(demo_server_url) as hq:
        with hq.unit_of_work() as uow:
            stamps = uow.raw.execute("SELECT stamp, account FROM changeset WHERE account LIKE 'staff%' "
                                     "ORDER BY stamp").fetchall()
        hq_state = _state(hq, ids)
    # Each client's changesets are its successful writes, one each, in its own order.
    by_client = {n: [s for s, account in stamps if account == f"staff{n}"] for n in range(CLIENTS)}
    assert {n: len(s) for n, s in by_client.items()} == {n: len(steps) for n, steps in done.items()}
    order = sorted((stamp, n, i) for n, client_stamps in by_client.items() for i, stamp in enumerate(client_stamps))

    with open_archive(demo_path) as laptop:
        for _stamp, n, i in order:  # every write the server took succeeds on the file too
            _apply(laptop, done[n][i])
        assert _state(laptop, ids) == hq_state
    # Every committed edit is the current value, or was written over by a later commit.
    for outcome_id in ids:
        current = hq_state[outcome_id]
        if current is None:
            continue
        for field in ("addressee", "label"):
            last = [done[n][i][2] for _s, n, i in order if done[n][i][:2] == (field, outcome_id)]
            if last:
                assert current[field] == last[-1], (outcome_id, field)


@pytest.mark.parametrize("write", ["edit", "delete"])
def test_saving_a_record_another_login_deleted_meanwhile_is_refused_in_one_sentence(demo_server_url, write):
    """The first login read the outcome, the second deleted it and committed; the
    first one's save is refused (not a StaleDataError, not a delete of nothing
    counted as done) and nothing more changes."""
    from piel_desktop.domain.errors import RecordNotFound
    from piel_desktop.messages import describe
    from piel_desktop.services.archive import fingerprint
    from piel_desktop.storage import models as m
    with open_archive(demo_server_url) as first, open_archive(demo_server_url) as second:
        outcome_id = _outcomes(first)[0]
        with first.unit_of_work() as uow:
            outcome = uow.session.get(m.Outcome, outcome_id)
            records.delete_outcome(second, outcome_id)  # committed while the first still edits
            before = fingerprint(second)
            if write == "edit":
                outcome.addressee = "secretariat"
            else:
                uow.session.delete(outcome)
            with pytest.raises(RecordNotFound) as refused:
                uow.commit()
        assert refused.value.params == {"kind": "outcome", "id": str(outcome_id)}
        assert "may have been deleted" in describe(refused.value)
        assert fingerprint(second) == before
