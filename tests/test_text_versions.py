"""Editing the language versions of an outcome's text with undo and redo: the service
history on a real archive, and Edit → Language versions… offscreen (pytest-qt)."""

from __future__ import annotations

import pytest

from piel_desktop.domain.errors import InvalidValue
from piel_desktop.services import records
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.history import History
from piel_desktop.ui.text_dialog import TextVersionsDialog

pytestmark = pytest.mark.both_backends


def _outcome(archive, outcome_id=None, number=14):
    meeting = next(m for m in records.list_meetings(archive) if m.number == number)
    outcomes = records.meeting_outcomes(archive, [meeting.id])
    return next(o for o in outcomes if outcome_id in (None, o.id))


def _versions(archive, outcome_id):
    """lang -> (body, status, stale) of the outcome's text."""
    return {v.lang: (v.text, v.status.value, v.stale)
            for v in _outcome(archive, outcome_id).text.versions}


@pytest.fixture
def translated(demo):
    """An outcome (original in Spanish) with English and French translations made
    before its original last changed: both stale."""
    outcome = _outcome(demo)
    records.set_outcome_text(demo, outcome.id, "en", "send comments on the logo")
    records.set_outcome_text(demo, outcome.id, "fr", "envoyer des observations sur le logo")
    records.set_outcome_text(demo, outcome.id, "es", outcome.text.original.text + " (revisado)")
    return outcome.id


def test_two_languages_in_one_step_undone_and_redone_exactly(demo, translated):
    history = History(demo)
    before, print_before = _versions(demo, translated), fingerprint(demo)
    assert before["en"][2] and before["fr"][2]  # stale
    assert history.edit_text_versions(translated, {"en": "send comments on the new logo",
                                                   "fr": "envoyer des observations sur le nouveau logo"})
    assert history.undo_label == "edit language versions"
    after, print_after = _versions(demo, translated), fingerprint(demo)
    assert after["en"] == ("send comments on the new logo", "working", False)
    assert after["fr"] == ("envoyer des observations sur le nouveau logo", "working", False)
    history.undo()
    # Both versions as they were, stale again: the rows are written back whole
    # (revisions and times included), so the content is exactly the earlier one.
    assert _versions(demo, translated) == before
    assert fingerprint(demo) == print_before
    assert history.redo_label == "edit language versions"
    history.redo()
    assert _versions(demo, translated) == after and fingerprint(demo) == print_after


def test_undo_removes_a_version_the_step_added(demo, translated):
    history = History(demo)
    before = _versions(demo, translated)
    assert history.edit_text_versions(translated, {"ar": "إرسال ملاحظات", "en": "send comments"})
    assert _versions(demo, translated)["ar"] == ("إرسال ملاحظات", "working", False)
    history.undo()
    # The added version is deleted again. The content differs from before the step
    # only by the deletion's tombstone, which must travel to offices that may have
    # received the version meanwhile, so the fingerprint cannot be compared here.
    assert _versions(demo, translated) == before and "ar" not in before
    history.redo()
    assert _versions(demo, translated)["ar"] == ("إرسال ملاحظات", "working", False)
    history.undo()
    assert _versions(demo, translated) == before


def test_nothing_changed_or_refused_leaves_no_step(demo, translated):
    history = History(demo)
    before = fingerprint(demo)
    assert not history.edit_text_versions(translated, {"en": "send comments on the logo"})
    with pytest.raises(InvalidValue):  # one bad language: nothing written
        history.edit_text_versions(translated, {"en": "other words", "xx": "words"})
    with pytest.raises(InvalidValue):
        history.edit_text_versions(translated, {"en": "other words", "fr": "  "})
    assert history.undo_label is None and fingerprint(demo) == before


@pytest.fixture
def window(window):
    """The demo window with meeting 14's first outcome selected."""
    window.select_meeting(14)
    window.outcome_view.setCurrentIndex(window.outcome_model.index(0, 0))
    return window


def test_language_versions_from_the_window_are_one_step_of_the_edit_menu(window, monkeypatch):
    outcome = window.current_outcome()

    def edit(dialog):
        for lang, text in (("en", "send comments on the logo"), ("fr", "envoyer des observations")):
            dialog.language.setCurrentIndex(dialog.language.findData(lang))
            dialog.editor.setPlainText(text)
        return TextVersionsDialog.Accepted
    monkeypatch.setattr(TextVersionsDialog, "exec", edit)
    window.versions_action.trigger()
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo: edit language versions"
    assert window.current_outcome().text.get("fr").text == "envoyer des observations"
    window.undo_action.trigger()
    current = window.current_outcome()
    assert current.id == outcome.id and {v.lang for v in current.text.versions} == {"es"}
    assert window.redo_action.text() == "&Redo: edit language versions"
    window.redo_action.trigger()
    assert window.current_outcome().text.get("en").text == "send comments on the logo"
    assert window.undo_action.text() == "&Undo: edit language versions"
