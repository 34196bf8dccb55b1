"""The merge rule on its own (domain/sync.py): stamps, causality, field merge."""

from __future__ import annotations

import pytest

from piel_desktop.domain.sync import (
    ALL_FIELDS, DELETED, Outcome, Stamp, compact, compare, covers, edits_unseen_by_delete,
    is_open_conflict, merge_record, next_hlc,
)

A, B = "a" * 32, "b" * 32


def s(hlc: int, replica: str = A) -> Stamp:
    return Stamp(hlc, replica)


def test_stamp_text_sorts_like_the_stamp():
    stamps = [s(5, B), s(5, A), s(300, A), s(1 << 40, B)]
    assert sorted(str(x) for x in stamps) == [str(x) for x in sorted(stamps)]
    assert Stamp.parse(str(s(300, B))) == s(300, B)
    for bad in ("", "x" * 49, str(s(1)).upper(), str(s(1))[:-1], 17):
        with pytest.raises(ValueError):
            Stamp.parse(bad)


def test_the_clock_never_goes_back():
    assert next_hlc([], now_ms=10) == 10 << 16
    assert next_hlc([(10 << 16) + 5], now_ms=9) == (10 << 16) + 6  # a laptop clock behind


def test_compare_by_causality_then_by_stamp():
    contexts = {s(1): {A: 1}, s(2): {A: 2}, s(3, B): {B: 3}, s(4, B): {A: 2, B: 4}}
    ctx = lambda stamp: contexts.get(stamp, {})
    assert compare(s(1), s(1), ctx) is Outcome.SAME
    assert compare(s(1), s(2), ctx) is Outcome.TAKE  # s(2) saw s(1)
    assert compare(s(2), s(1), ctx) is Outcome.KEEP
    assert compare(s(2), s(3, B), ctx) is Outcome.TAKE_CONFLICT  # concurrent, larger wins
    assert compare(s(3, B), s(2), ctx) is Outcome.KEEP_CONFLICT
    assert compare(s(2), s(4, B), ctx) is Outcome.TAKE  # saw A's 2 although from B
    assert covers({A: 2}, s(2)) and not covers({A: 2}, s(3))


def test_merge_keeps_concurrent_losers_and_merges_other_fields():
    ctx = {s(1): {A: 1}, s(2): {A: 2}, s(3, B): {A: 1, B: 3}}.get
    local = {"status": "agreed", "label": "a", DELETED: False}
    incoming = {"status": "implemented", "label": "a", DELETED: False}
    merged = merge_record(local, {ALL_FIELDS: str(s(1)), "status": str(s(2))},
                          incoming, {ALL_FIELDS: str(s(1)), "status": str(s(3, B))},
                          lambda st: ctx(st, {}))
    assert merged.values["status"] == "implemented"  # s(3, B) > s(2), concurrent
    assert [(x.field, x.value, x.stamp) for x in merged.losers] == [("status", "agreed", s(2))]
    assert merged.changed == ["status"] and merged.clock == {ALL_FIELDS: str(s(1)), "status": str(s(3, B))}


def test_bookkeeping_fields_and_equal_values_never_conflict():
    ctx = lambda st: {}
    merged = merge_record({"updated_at": "x", "label": "a", DELETED: False}, {ALL_FIELDS: str(s(1))},
                          {"updated_at": "y", "label": "a", DELETED: False}, {ALL_FIELDS: str(s(2, B))}, ctx)
    assert merged.losers == [] and merged.values["updated_at"] == "y"


def test_compact_clock_uses_the_common_stamp_as_default():
    assert compact({"a": "1", "b": "1", "c": "2"}) == {ALL_FIELDS: "1", "c": "2"}


def test_open_conflicts_and_edits_unseen_by_a_delete():
    ctx = {s(2): {A: 2}, s(3, B): {B: 3}, s(5): {A: 5, B: 3}}.get
    context_of = lambda st: ctx(st, {})
    assert is_open_conflict(s(3, B), s(2), [s(3, B)], context_of)
    assert not is_open_conflict(s(3, B), s(5), [s(3, B)], context_of)  # s(5) saw it
    clock = {ALL_FIELDS: str(s(1)), "label": str(s(3, B)), DELETED: str(s(2))}
    fields = ("label", "status", "updated_at")
    assert edits_unseen_by_delete(clock, fields, s(2), context_of) == [(s(3, B), "label")]
    # An edit of most fields is the clock's default entry: it counts all the same.
    clock = {ALL_FIELDS: str(s(3, B)), "status": str(s(1)), DELETED: str(s(2))}
    assert edits_unseen_by_delete(clock, fields, s(2), context_of) == [(s(3, B), "label")]
    assert edits_unseen_by_delete({ALL_FIELDS: str(s(1))}, fields, s(2), context_of) == []
