"""Documents: files kept inside the archive once per content, their size shown, ITU
symbols grouping language versions, the public/restricted flag, opening a file, and
packages carrying documents with their files to another office."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtGui import QDesktopServices

from conftest import open_window
from piel_desktop.domain.errors import FileUnreadable, RecordNotFound
from piel_desktop.services import registries, sync
from piel_desktop.services.archive import fingerprint
from piel_desktop.services.history import History

pytestmark = pytest.mark.both_backends


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "C18-35-E.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)  # 2,057 bytes
    return path


def _blobs(archive) -> list[tuple[str, int]]:
    with archive.unit_of_work() as uow:
        return [tuple(r) for r in uow.raw.execute("SELECT sha256, size FROM blob ORDER BY sha256").fetchall()]


def test_the_same_file_attached_twice_is_stored_once(demo, pdf, tmp_path):
    history = History(demo)
    english = history.create("document", {"symbol": "C18/35-E", "title": "Report", "file": pdf})
    copy = tmp_path / "another name.pdf"
    copy.write_bytes(pdf.read_bytes())
    french = history.create("document", {"symbol": "C18/35-F", "title": "Rapport", "file": copy})
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert _blobs(demo) == [(digest, 2057)]
    assert registries.values(demo, "document", french)["file_name"] == "another name.pdf"
    rows = {r.id: r for r in registries.list_records(demo, "document")}
    assert rows[english].size == rows[french].size == 2057
    (tmp_path / "out").mkdir()
    out = registries.document_file(demo, french, tmp_path / "out")
    assert out.name == "another name.pdf" and out.read_bytes() == pdf.read_bytes()


def test_replacing_a_file_and_undoing_puts_the_first_one_back(demo, pdf, tmp_path):
    history = History(demo)
    doc = history.create("document", {"title": "Draft", "file": pdf})
    second = tmp_path / "v2.docx"
    second.write_bytes(b"second version")
    assert history.edit("document", doc, {"file": second})
    assert registries.values(demo, "document", doc)["file_name"] == "v2.docx"
    history.undo()
    assert registries.values(demo, "document", doc)["file_name"] == pdf.name
    assert len(_blobs(demo)) == 2  # the replaced file stays, so redo can bring it back
    history.redo()
    assert registries.values(demo, "document", doc)["blob_sha256"] == hashlib.sha256(b"second version").hexdigest()


def test_a_missing_file_is_refused_next_to_the_field(demo, tmp_path):
    before = fingerprint(demo)
    with pytest.raises(FileUnreadable) as caught:
        registries.create(demo, "document", {"title": "x", "file": tmp_path / "gone.pdf"})
    assert caught.value.params["field"] == "file"
    assert fingerprint(demo) == before and _blobs(demo) == []


#: Real symbols, as typed, with the document they belong to and their language.
SYMBOLS = [
    ("C18/35-E", "C18/35", "en"),
    ("C18/35-F", "C18/35", "fr"),
    ("C18/35-S", "C18/35", "es"),
    ("CWG-COP-14/3-E", "CWG-COP-14/3", "en"),
    ("CWG-COP-14/3-R", "CWG-COP-14/3", "ru"),
    ("WG-CP/1/16 Rev.1", "WG-CP/1/16 (Rev.1)", None),
    ("C09/108 (Rev.1)-A", "C09/108 (Rev.1)", "ar"),
    ("Background note, March 2017", "Background note, March 2017", None),
]


def test_symbols_group_language_versions_together(demo):
    for symbol, _document, _lang in reversed(SYMBOLS):
        registries.create(demo, "document", {"symbol": symbol, "title": f"Title of {symbol}"})
    rows = registries.list_records(demo, "document")
    found = [(r.values["symbol"], r.symbol.document, r.values["language"]) for r in rows]
    assert sorted(found) == sorted(SYMBOLS)
    groups = [document for _symbol, document, _lang in found]
    # each document's language versions stand next to each other
    assert all(groups.index(g) + groups.count(g) - 1 == len(groups) - 1 - groups[::-1].index(g) for g in groups)
    typed = next(r for r in rows if r.values["symbol"].startswith("Background"))
    assert not typed.symbol.parsed and typed.symbol.document == "Background note, March 2017"
    c18 = [r for r in rows if r.symbol.document == "C18/35"]
    assert [r.symbol.body for r in c18] == ["C"] * 3 and {r.symbol.session for r in c18} == {"18"}
    assert {r.symbol.number for r in c18} == {"35"}


def test_a_language_chosen_by_hand_is_kept(demo):
    doc = registries.create(demo, "document", {"symbol": "C18/35-E", "title": "t", "language": "zh"})
    assert registries.values(demo, "document", doc)["language"] == "zh"


def test_restricted_documents_are_marked_in_the_list_and_tables(demo):
    from piel_desktop.services.tables import table
    history = History(demo)
    doc = history.create("document", {"symbol": "CWG-COP-14/3-E", "title": "Draft", "public": False})
    assert registries.values(demo, "document", doc)["public"] is False
    assert table(demo, "documents").rows[0][4] == "Restricted"
    history.edit("document", doc, {"public": True})
    assert table(demo, "documents").rows[0][4] == "Public"
    history.undo()
    assert registries.values(demo, "document", doc)["public"] is False


def test_document_list_shows_size_and_access_and_opens_the_file(qtbot, demo_path, pdf, monkeypatch):
    window = open_window(qtbot, demo_path)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    try:
        window.history.create("document", {"symbol": "C18/35-E", "title": "Report", "file": pdf})
        window.history.create("document", {"symbol": "C18/35-F", "title": "Rapport", "public": False})
        dialog = window.registry_actions["document"].trigger() or window.registry_dialog
        cells = [[dialog.model.cell(r, c) for c in dialog.model.columns] for r in dialog.model.rows]
        assert cells == [["C18/35", "C18/35-E", "English", "Report", "Public", pdf.name, "2.1 kB"],
                         ["C18/35", "C18/35-F", "French", "Rapport", "Restricted", "", ""]]
        dialog.view.setCurrentIndex(dialog.model.index(1, 0))
        assert not dialog.open_button.isEnabled()  # no file
        dialog.view.setCurrentIndex(dialog.model.index(0, 0))
        assert dialog.open_button.isEnabled()
        dialog.open_button.click()
        assert len(opened) == 1 and open(opened[0], "rb").read() == pdf.read_bytes()
        # attach a file from the editor
        editor = dialog.new()
        editor.widgets["title"].setText("Annex")
        editor.set_file(pdf)
        editor.accept()
        assert not editor.isVisible() and len(_blobs(window.archive)) == 1
    finally:
        window.runner.wait()
        window.close_archive()


def test_a_package_carries_an_effort_and_a_document_with_its_file(hq_africa, tmp_path, pdf):
    hq, africa = hq_africa
    effort = registries.create(hq, "effort", {"country": "KE", "year": 2019, "title": "Cadre national",
                                              "links": "https://ca.go.ke"})
    doc = registries.create(hq, "document", {"symbol": "C18/35-E", "title": "Report", "file": pdf,
                                             "public": False})
    registries.create(hq, "practice", {"title": "Helpline", "country": "FR", "documents": [doc]})
    package = sync.export_package(hq, tmp_path / "hq.pielpkg", full=True).path
    first = sync.import_package(africa, package)
    assert not first.already_applied
    assert registries.values(africa, "effort", effort) == registries.values(hq, "effort", effort)
    assert registries.values(africa, "document", doc) == registries.values(hq, "document", doc)
    out = tmp_path / "out"
    out.mkdir()
    assert registries.document_file(africa, doc, out).read_bytes() == pdf.read_bytes()
    assert sync.import_package(africa, package).already_applied
    back = sync.export_package(africa, tmp_path / "africa.pielpkg", full=True).path
    sync.import_package(hq, back)
    assert fingerprint(hq) == fingerprint(africa)
    # a delete travels too; the file stays for an undo
    registries.delete(hq, "document", doc)
    sync.import_package(africa, sync.export_package(hq, tmp_path / "hq2.pielpkg", to="Africa").path)
    with pytest.raises(RecordNotFound):
        registries.values(africa, "document", doc)


def test_a_package_whose_file_does_not_match_its_hash_is_refused(hq_africa, tmp_path, pdf):
    import json
    import zipfile
    from piel_desktop.domain.errors import PackageRecordInvalid
    from piel_desktop.services.sync import exchange, package_merge
    from piel_desktop.services.sync.package_format import PackageWriter, open_package
    hq, africa = hq_africa
    writer = PackageWriter(tmp_path / "bad.pielpkg")
    writer.lines("blobs.ndjson", [{"h": "0" * 64, "i": 0, "n": 1, "d": "aGVsbG8="}], stored=True)
    with hq.unit_of_work() as uow:
        key = exchange._signing_key(uow.raw)[2]
        uow.commit()
    from piel_desktop.services.sync.package_format import public_key_of
    writer.finish({"package_id": "x" * 32, "kind": "full", "since": {}, "covers": {},
                   "producer": {"replica": "a" * 32, "name": "HQ", "public_key": public_key_of(key)}}, key)
    with zipfile.ZipFile(tmp_path / "bad.pielpkg") as z:
        assert z.getinfo("blobs.ndjson").compress_type == zipfile.ZIP_STORED
        assert json.loads(z.read("manifest.json"))["entries"]["blobs.ndjson"]["lines"] == 1
    before = fingerprint(africa)
    with open_package(tmp_path / "bad.pielpkg") as package:
        with africa.merging() as merging:
            with pytest.raises(PackageRecordInvalid) as caught:
                package_merge.add_blobs(merging.con, package)
    assert "SHA-256" in caught.value.params["problem"]
    assert fingerprint(africa) == before and _blobs(africa) == []
