"""The meetings brief, read back from the PDF with pypdf and rendered with PDFium."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import pdf_pages, pdf_text, render_page
from piel_desktop.domain.errors import Cancelled, NothingToPrint, OutputNotWritable, \
    UnknownMeetings, UnsupportedLanguage
from piel_desktop.domain.progress import Progress
from piel_desktop.paths import resources_dir
from piel_desktop.reports.brief import make_brief
from piel_desktop.services import records, registries
from piel_desktop.services.archive import fingerprint

MADE_AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _meeting(archive, number: int):
    return next(mt for mt in records.list_meetings(archive) if mt.number == number)


def _seed_leads() -> list[str]:
    seed = re.sub(r"\s+", " ", (resources_dir() / "demo" / "seed-report-es.txt").read_text(encoding="utf-8"))
    return re.findall(r"Los principales resultados de .*? fueron:", seed)


@pytest.fixture
def spanish_brief(demo, tmp_path):
    path = tmp_path / "brief-es.pdf"
    result = make_brief(demo, lang="es", meetings=list(range(9, 15)), out=path, made_at=MADE_AT)
    return path, result


def test_lead_sentences_read_like_the_seed(spanish_brief):
    path, _result = spanish_brief
    text = pdf_text(path)
    leads = _seed_leads()
    assert len(leads) == 4
    assert "Los principales resultados de la novena reunión del GTC-PIeL, celebrada el 23 de enero de 2015, fueron:" in leads
    assert ("Los principales resultados de las 10ª y 11ª reuniones del GTC-PIeL, celebradas el 30 de "
            "septiembre de 2015 y el 16 de febrero de 2016, fueron:") in leads
    for lead in leads:
        assert lead in text


def test_outcomes_print_in_order_with_list_punctuation(spanish_brief, demo):
    path, _result = spanish_brief
    text = pdf_text(path)
    meeting = _meeting(demo, 14)
    outcomes = [o.text.original.text for o in records.meeting_outcomes(demo, [meeting.id])]
    positions = [text.index(o) for o in outcomes]
    assert positions == sorted(positions)
    for outcome in outcomes[:-1]:
        assert f"{outcome};" in text
    assert f"{outcomes[-1]}." in text
    assert "1) 5Rights: el Grupo acogió con agrado" in text
    assert "b) Realizar posiblemente la consulta en los seis idiomas" in text


def test_every_page_has_number_date_and_fingerprint(spanish_brief, demo):
    path, result = spanish_brief
    pages = pdf_pages(path)
    assert result.pages == len(pages) >= 2
    short = fingerprint(demo)[:12]
    assert result.fingerprint[:12] == short
    for number, page in enumerate(pages, 1):
        assert f"Página {number} de {len(pages)}" in page
        assert "Preparado el 29 de noviembre de 2026" in page
        assert f"Huella del archivo de registros {short}" in page


def test_fonts_are_embedded_subsets(spanish_brief):
    path, _result = spanish_brief
    reader = PdfReader(path)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert re.match(r"/[A-Z]{6}\+NotoSans", name), name
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
            if "/DescendantFonts" in font else font["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


def test_first_page_renders(spanish_brief, tmp_path):
    path, _result = spanish_brief
    png = render_page(path, 0, tmp_path / "page1.png", scale=1.0)
    from PIL import Image
    image = Image.open(png).convert("L")
    width, height = image.size
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1  # A4 in points at scale 1
    dark = image.histogram()[:128]  # pixels darker than mid-grey
    dark = sum(dark)
    assert dark > 5000  # text was drawn, not a blank page


def test_markup_in_record_text_prints_literally(demo, tmp_path):
    meeting = _meeting(demo, 14)
    records.add_outcome(demo, text="revisar <b>negrita</b> & <font>marcas</font> &amp; más",
                        lang="es", meeting_ids=[meeting.id])
    path = tmp_path / "markup.pdf"
    make_brief(demo, lang="es", meetings=[14], out=path, made_at=MADE_AT)
    assert "revisar <b>negrita</b> & <font>marcas</font> &amp; más." in pdf_text(path)


def test_a_very_long_outcome_flows_over_pages(demo, tmp_path):
    meeting = _meeting(demo, 14)
    long_text = " ".join(f"palabra{i}" for i in range(3000))  # about 30,000 characters
    assert len(long_text) > 30_000
    records.add_outcome(demo, text=long_text, lang="es", meeting_ids=[meeting.id])
    path = tmp_path / "long.pdf"
    result = make_brief(demo, lang="es", meetings=[14], out=path, made_at=MADE_AT)
    assert result.pages >= 5
    text = pdf_text(path)
    assert "palabra0 palabra1" in text and "palabra2999." in text


def test_a_meeting_brings_the_meetings_it_reported_with(demo, tmp_path):
    path = tmp_path / "ten.pdf"
    make_brief(demo, lang="es", meetings=[10], out=path, made_at=MADE_AT)
    text = pdf_text(path)
    assert "de las 10ª y 11ª reuniones del GTC-PIeL" in text
    assert "novena" not in text
    assert "Principales resultados de las reuniones 10 y 11" in text


def test_english_brief_falls_back_to_the_original_language(demo, tmp_path):
    path = tmp_path / "brief-en.pdf"
    make_brief(demo, lang="en", meetings=[9, 14], out=path, made_at=MADE_AT)
    text = pdf_text(path)
    assert "The main outcomes of the ninth meeting of CWG-COP, held on 23 January 2015, were:" in text
    assert "The main outcomes of the 14th meeting of CWG-COP, held on 23 January 2018, were:" in text
    assert "printed in their original language" in text
    assert "crear un registro en línea de los esfuerzos de los países; [es]" in text
    assert "Page 1 of 1" in text


@pytest.mark.parametrize("kwargs, error", [
    ({"lang": "pt"}, UnsupportedLanguage),
    ({"lang": "es", "parallel": "de"}, UnsupportedLanguage),
    ({"lang": "es", "meetings": [99]}, UnknownMeetings),
])
def test_bad_requests_write_nothing(demo, tmp_path, kwargs, error):
    path = tmp_path / "nothing.pdf"
    with pytest.raises(error):
        make_brief(demo, out=path, **kwargs)
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*tmp"))


def test_meeting_without_outcomes(demo, tmp_path):
    records.add_meeting(demo, number=15, start_date=dt.date(2018, 9, 1))
    with pytest.raises(NothingToPrint):
        make_brief(demo, lang="es", meetings=[15], out=tmp_path / "x.pdf")


def test_unwritable_destination(demo, tmp_path):
    target = tmp_path / "missing-folder" / "brief.pdf"
    with pytest.raises(OutputNotWritable):
        make_brief(demo, lang="es", out=target)
    assert not target.parent.exists()


def test_cancel_leaves_no_file(demo, tmp_path):
    seen = []
    progress = Progress(lambda done, total, _m: (seen.append(done), progress.cancel() if done >= 3 else None))
    folder = tmp_path / "briefs"
    folder.mkdir()
    with pytest.raises(Cancelled):
        make_brief(demo, lang="es", out=folder / "cancelled.pdf", progress=progress)
    assert seen[-1] == 3 and not list(folder.iterdir())


def test_a_brief_never_overwrites_the_archive(demo, demo_path, tmp_path):
    before = demo_path.read_bytes()
    other_name = tmp_path / "another-name.pdf"
    os.link(demo_path, other_name)  # as a case-insensitive disk would give it two names
    assert Path(f"{demo_path}-wal").exists()
    for target in (demo_path, Path(f"{demo_path}-wal"), other_name):
        with pytest.raises(OutputNotWritable) as caught:
            make_brief(demo, lang="es", out=target)
        assert caught.value.params["reason"] == "is-the-archive"
    assert demo_path.read_bytes() == before


def test_output_paths_that_are_not_files(demo, tmp_path):
    from piel_desktop.domain.errors import NotAFile
    with pytest.raises(NotAFile):
        make_brief(demo, lang="es", out=tmp_path)
    with pytest.raises(OutputNotWritable):
        make_brief(demo, lang="es", out=Path("."))
    with pytest.raises(NotAFile):
        make_brief(demo, lang="es", out=Path("/dev/null"))


def test_output_through_a_link_writes_the_link_target(demo, tmp_path):
    target = tmp_path / "real.pdf"
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    result = make_brief(demo, lang="es", out=link)
    assert link.is_symlink() and target.is_file() and result.path == target


def test_longest_file_name(demo, tmp_path):
    target = tmp_path / ("b" * 251 + ".pdf")  # 255 bytes, the usual limit
    make_brief(demo, lang="es", out=target)
    assert target.is_file()


def test_a_group_is_printed_with_all_its_outcomes(demo, tmp_path):
    """Meeting 10 brings meeting 11 along, and with it an outcome of 11 alone."""
    eleven = _meeting(demo, 11)
    records.add_outcome(demo, text="resultado propio de la 11ª reunión", lang="es", meeting_ids=[eleven.id])
    path = tmp_path / "ten.pdf"
    make_brief(demo, lang="es", meetings=[10], out=path, made_at=MADE_AT)
    text = pdf_text(path)
    assert "resultado propio de la 11ª reunión." in text
    assert text.count("Los principales resultados") == 1  # one group, 10 and 11 together


def test_a_script_the_six_fonts_lack_prints_in_a_fallback_font(demo, tmp_path):
    meeting = _meeting(demo, 14)
    records.add_outcome(demo, text="儿童在线保护工作组", lang="zh", meeting_ids=[meeting.id])
    records.add_outcome(demo, text="Child protection: बाल संरक्षण", lang="en", meeting_ids=[meeting.id])
    path = tmp_path / "zh.pdf"
    make_brief(demo, lang="es", meetings=[14], out=path, made_at=MADE_AT)
    text = pdf_text(path)
    assert "儿童在线保护工作组； [zh]" in text  # Chinese has its font, inside a Spanish brief
    assert "Child protection: बाल संरक्षण. [en]" in text  # Devanagari from its fallback font
    assert "no puede imprimir" not in text
    assert "\x00" not in text


def test_a_two_day_meeting_prints_its_range(demo, tmp_path):
    meeting = records.add_meeting(demo, number=15, start_date=dt.date(2025, 10, 2),
                                  end_date=dt.date(2025, 10, 3))
    records.add_outcome(demo, text="aprobar el plan de trabajo", lang="es", meeting_ids=[meeting])
    path = tmp_path / "range.pdf"
    make_brief(demo, lang="es", meetings=[14, 15], out=path, made_at=MADE_AT)
    text = pdf_text(path)
    assert "celebrada del 2 al 3 de octubre de 2025, fueron:" in text
    assert "celebrada el 23 de enero de 2018" in text  # one-day meetings as before
    assert "23 de enero de 2018 – 3 de octubre de 2025 · 2 reuniones" in text  # period to the last day


@pytest.mark.parametrize("lang, phrase", [
    ("es", "celebrada el 23 de enero de 2018, con hora de inicio 10:00 (hora estándar de Europa central, Europe/Zurich)"),
    ("ar", "Europe/Zurich"),
])
def test_a_meeting_with_a_start_time_prints_it_at_the_venue_clock(demo, tmp_path, lang, phrase):
    registries.edit(demo, "meeting", _meeting(demo, 14).id, {"start_time": "10:00", "time_zone": "Europe/Zurich"})
    path = tmp_path / f"time-{lang}.pdf"
    make_brief(demo, lang=lang, meetings=[14], out=path, made_at=MADE_AT)
    text = " ".join(pdf_text(path).split())
    assert phrase in text
    assert ("10:00" in text) or ("١٠:٠٠" in text)
