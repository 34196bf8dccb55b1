"""Plain rules of the domain layer."""

from __future__ import annotations

import pytest

from piel_desktop.domain.errors import Cancelled, InvalidMeetingSelection, InvalidValue
from piel_desktop.domain.meetings import group_reported_together, parse_meeting_numbers
from piel_desktop.domain.model import (
    LocalizedText, OutcomeKind, TextVersion, TranslationStatus, parse_enum,
)
from piel_desktop.domain.progress import Progress


@pytest.mark.parametrize("text, numbers", [
    ("9-14", (9, 10, 11, 12, 13, 14)), ("9,12-14", (9, 12, 13, 14)), ("10", (10,)),
    (" 9 - 10 , 14 ", (9, 10, 14)), ("9–11", (9, 10, 11)), ("14,9,9", (9, 14)),
])
def test_parse_meeting_numbers(text, numbers):
    assert parse_meeting_numbers(text) == numbers


@pytest.mark.parametrize("text", ["", "9-", "-9", "a", "14-9", "0", "9,,10", "9-10-11", "1.5"])
def test_parse_meeting_numbers_refuses(text):
    with pytest.raises(InvalidMeetingSelection) as caught:
        parse_meeting_numbers(text)
    assert caught.value.params == {"text": text}


def test_group_reported_together():
    links = {"a": (9,), "b": (10, 11), "c": (10, 11), "d": (12, 13), "e": (14,)}
    assert group_reported_together([9, 10, 11, 12, 13, 14], links) == [(9,), (10, 11), (12, 13), (14,)]
    # a chain links three meetings; meetings without outcomes stand alone
    assert group_reported_together([1, 2, 3, 4], {"x": (1, 2), "y": (2, 3)}) == [(1, 2, 3), (4,)]
    # links to meetings outside the list are ignored
    assert group_reported_together([10], {"b": (10, 11)}) == [(10,)]


def test_parse_enum():
    assert parse_enum(OutcomeKind, "request", "kind") is OutcomeKind.REQUEST
    with pytest.raises(InvalidValue) as caught:
        parse_enum(OutcomeKind, "wish", "kind")
    assert caught.value.params == {"field": "kind", "value": "wish"}


def test_localized_text_pick():
    text = LocalizedText((TextVersion("es", "hola", TranslationStatus.ORIGINAL),
                          TextVersion("en", "hello", TranslationStatus.WORKING)))
    assert text.pick("en").text == "hello"
    assert text.pick("fr").text == "hola"  # the original when the language is missing
    assert text.original.lang == "es"
    assert not LocalizedText() and LocalizedText().pick("es") is None


def test_progress_cancel():
    seen = []
    progress = Progress(lambda done, total, message: seen.append((done, total)))
    progress.step(1, 3)
    progress.cancel()
    with pytest.raises(Cancelled):
        progress.step(2, 3)
    assert seen == [(1, 3)]
