"""Multilingual text fields: building them for new records and reading them in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from piel_desktop.domain.errors import InvalidValue
from piel_desktop.domain.model import LocalizedText, TextVersion, TranslationStatus, check_language
from piel_desktop.storage import models as m


def new_text(session: Session, versions: Mapping[str, str], *, original: str,
             translations: TranslationStatus = TranslationStatus.OFFICIAL,
             statuses: Mapping[str, TranslationStatus] | None = None,
             text_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add a text with one version per language; return its id (to store in a record).

    ``versions`` maps language codes to text; ``original`` names the original language
    and must be among them. Other versions get ``statuses[lang]``, or ``translations``.
    ``text_id`` fixes the id for records whose identity must be the same in every
    archive, such as the demo's. Version ids are ``uuid5(text_id, lang)``, so two
    offices adding the same language version of a text make the same record.
    Raises InvalidValue for an unknown language, a missing original or an empty text.
    """
    if original not in versions:
        raise InvalidValue(field="original language", value=original)
    anchor = m.Text(id=text_id or uuid.uuid4())
    statuses = statuses or {}
    for lang, body in versions.items():
        check_language(lang)
        if not body or not body.strip():
            raise InvalidValue(field=f"text ({lang})", value=body)
        status = TranslationStatus.ORIGINAL if lang == original else statuses.get(lang, translations)
        anchor.versions.append(m.TextVersion(
            id=uuid.uuid5(anchor.id, lang), lang=lang, body=body, status=status, revision=1,
            source_revision=None if status is TranslationStatus.ORIGINAL else 1))
    session.add(anchor)
    return anchor.id


def load_texts(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, LocalizedText]:
    """All versions of the given texts, keyed by text id; ``None`` ids are skipped.

    A translation is marked stale when it was made from an earlier revision of its
    original than the current one.
    """
    wanted = {i for i in ids if i is not None}
    rows: dict[uuid.UUID, list] = {i: [] for i in wanted}
    if wanted:
        # Columns, not entities: a brief reads thousands of versions, and the ORM's
        # objects (with their sync stamps) cost more than the rest of the query.
        v = m.TextVersion
        for version in session.execute(select(v.text_id, v.lang, v.body, v.status, v.revision,
                                              v.source_revision).where(v.text_id.in_(wanted))):
            rows[version.text_id].append(version)
    result = {}
    for text_id, versions in rows.items():
        original = next((v for v in versions if v.status is TranslationStatus.ORIGINAL), None)
        result[text_id] = LocalizedText(tuple(
            TextVersion(lang=v.lang, text=v.body, status=v.status,
                        stale=bool(original and v is not original
                                   and (v.source_revision or 0) < original.revision))
            for v in sorted(versions, key=lambda v: (v.status is not TranslationStatus.ORIGINAL, v.lang))))
    return result
