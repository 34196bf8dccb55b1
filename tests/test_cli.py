"""The command line, run as a real program in a subprocess."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

import pytest

from conftest import pdf_text
from piel_desktop import cli


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "piel_desktop", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def assert_clean_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_init_check_brief(tmp_path):
    archive = tmp_path / "demo.piel"
    created = run("--archive", str(archive), "init", "--demo")
    assert created.returncode == 0, created.stderr
    assert f"Created the demo archive {archive}." in created.stdout

    checked = run("check", env={"PIEL_ARCHIVE": str(archive)})
    assert checked.returncode == 0, checked.stderr
    from piel_desktop.storage.schema import schema_head
    for line in (f"Schema version: {schema_head()}", "Integrity: ok", "Meetings: 6", "Outcomes: 24", "Instruments: 2"):
        assert line in checked.stdout

    out = tmp_path / "brief.pdf"
    brief = run("--archive", str(archive), "brief", "--lang", "es", "--meetings", "9-14", "--out", str(out))
    assert brief.returncode == 0, brief.stderr
    assert "Wrote" in brief.stdout and "(2 pages)" in brief.stdout
    assert "celebrada el 23 de enero de 2015" in pdf_text(out)


def test_init_refuses_to_overwrite(tmp_path):
    archive = tmp_path / "a.piel"
    assert run("--archive", str(archive), "init").returncode == 0
    before = archive.read_bytes()
    again = run("--archive", str(archive), "init", "--demo")
    assert_clean_error(again, "already exists", str(archive))
    assert archive.read_bytes() == before


def test_messages_in_spanish(tmp_path):
    archive = tmp_path / "a.piel"
    created = run("--lang", "es", "--archive", str(archive), "init", "--demo")
    assert "Se ha creado el archivo de registros de demostración" in created.stdout
    missing = run("--lang", "es", "--archive", str(tmp_path / "no.piel"), "check")
    assert_clean_error(missing, "No hay ningún archivo de registros en")
    checked = run("--archive", str(archive), "check", env={"LANG": "es_ES.UTF-8"})
    assert "Reuniones: 6" in checked.stdout


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "demo.piel"
    assert run("--archive", str(path), "init", "--demo").returncode == 0
    return path


@pytest.mark.parametrize("args, fragments", [
    (["brief", "--lang", "es", "--meetings", "9-x", "--out", "{tmp}/b.pdf"], ["“9-x” is not a meeting selection"]),
    (["brief", "--lang", "es", "--meetings", "14-9", "--out", "{tmp}/b.pdf"], ["“14-9”"]),
    (["brief", "--lang", "es", "--meetings", "20", "--out", "{tmp}/b.pdf"], ["no meeting numbered 20"]),
    (["brief", "--lang", "xx", "--out", "{tmp}/b.pdf"], ["“xx” is not an available language"]),
    (["brief", "--lang", "es", "--out", "{tmp}/no/such/folder/b.pdf"], ["cannot be written"]),
])
def test_brief_errors(archive, tmp_path, args, fragments):
    args = [a.format(tmp=tmp_path) for a in args]
    result = run("--archive", str(archive), *args)
    assert_clean_error(result, *fragments)
    assert not list(tmp_path.rglob("*.pdf"))


def test_not_an_archive(tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    assert_clean_error(run("--archive", str(text_file), "check"), "is not a PIeL Desktop archive",
                       "it is not a database file")
    assert text_file.read_text() == "hello"


def test_usage_error_exits_2(tmp_path):
    result = run("brief", "--lang", "es")  # --out missing
    assert result.returncode == 2
    assert "--out" in result.stderr and "Traceback" not in result.stderr


def test_commands_do_not_import_qt(archive, tmp_path):
    code = ("import sys; from piel_desktop.cli import main; "
            f"rc = main(['--archive', {str(archive)!r}, 'brief', '--out', {str(tmp_path / 'b.pdf')!r}]); "
            "assert 'PySide6' not in sys.modules, 'Qt was imported'; sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_unexpected_errors_are_logged_not_shown(archive, monkeypatch, capsys):
    def broken(_archive):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr("piel_desktop.services.archive.check_archive", broken)
    assert cli.main(["--archive", str(archive), "check"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "disk on fire" not in err
    assert "Something went wrong" in err
    log_file = err.split("written to ")[1].strip().rstrip(".")
    assert "disk on fire" in open(log_file, encoding="utf-8").read()


@pytest.mark.parametrize("args, fragments", [
    (["--lang", "pt", "check"], ["“pt” is not an available language", "en, es"]),
    (["brief", "--meetings", "", "--out", "{tmp}/b.pdf"], ["“” is not a meeting selection"]),
    (["brief", "--lang", "", "--out", "{tmp}/b.pdf"], ["“” is not an available language"]),
    (["brief", "--meetings", "1-400", "--out", "{tmp}/b.pdf"],
     ["no meetings numbered 1, 2, 3, 4, 5, 6, …"]),
    (["brief", "--out", "{archive}"], ["that is the archive itself"]),
])
def test_empty_and_unavailable_values_are_refused(archive, tmp_path, args, fragments):
    args = [a.format(tmp=tmp_path, archive=archive) for a in args]
    before = archive.read_bytes()
    assert_clean_error(run("--archive", str(archive), *args), *fragments)
    assert archive.read_bytes() == before


def test_window_without_a_display(archive):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "piel_desktop", "--archive", str(archive)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert_clean_error(result, "needs a graphical display")


def test_interface_language_is_found_before_the_command(tmp_path):
    # "brief" here is the archive's name, not the command
    result = run("--archive", "brief", "--lang", "es", "check")
    assert_clean_error(result, "No hay ningún archivo de registros en brief.")


def test_two_offices_sync_from_the_command_line(tmp_path):
    hq, africa = tmp_path / "hq.piel", tmp_path / "africa.piel"
    assert run("--archive", str(hq), "init", "--demo", "--office", "HQ").returncode == 0
    assert run("--archive", str(africa), "init", "--office", "Regional Office for Africa").returncode == 0
    usage = run("--archive", str(hq), "export", "--out", str(tmp_path / "x.pielpkg"))
    assert usage.returncode == 2 and "--full" in usage.stderr
    assert_clean_error(run("--archive", str(hq), "export", "--to", "Nobody", "--out", str(tmp_path / "x.pielpkg")),
                       "No office named “Nobody”")
    assert_clean_error(run("--archive", str(hq), "export", "--full", "--out", str(africa)),
                       "is not a package")
    made = run("--archive", str(hq), "export", "--full", "--out", str(tmp_path / "hq.pielpkg"))
    assert made.returncode == 0 and "a full package of" in made.stdout
    dry = run("--archive", str(africa), "import", str(tmp_path / "hq.pielpkg"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Meeting 9: " in dry.stdout and "Nothing was changed (dry run)." in dry.stdout
    applied = run("--archive", str(africa), "import", str(tmp_path / "hq.pielpkg"))
    assert applied.returncode == 0 and "Receipt for the sender:" in applied.stdout
    again = run("--archive", str(africa), "import", str(tmp_path / "hq.pielpkg"))
    assert "already applied; nothing changed" in again.stdout
    receipt = next(tmp_path.glob("hq.receipt-*.pielpkg"))
    assert "Receipt noted" in run("--archive", str(hq), "import", str(receipt)).stdout
    prints = {run("--archive", str(a), "fingerprint").stdout for a in (hq, africa)}
    assert len(prints) == 1 and len(prints.pop().strip()) == 64
    offices = run("--archive", str(hq), "offices").stdout
    assert "HQ\t" in offices and "this archive, key" in offices and "Regional Office for Africa\t" in offices
    assert run("--archive", str(hq), "conflicts").stdout.startswith("0 open conflicts.")
    nothing = run("--archive", str(hq), "export", "--to", "Regional Office for Africa",
                  "--out", str(tmp_path / "inc.pielpkg"))
    assert "0 records that Regional Office for Africa has not seen" in nothing.stdout
    (tmp_path / "cut.pielpkg").write_bytes((tmp_path / "hq.pielpkg").read_bytes()[:500])
    assert_clean_error(run("--archive", str(africa), "import", str(tmp_path / "cut.pielpkg")), "cut short")


def test_tables_from_the_command_line(demo_path, tmp_path):
    done = run("--archive", str(demo_path), "table", "outcomes", "--out", str(tmp_path / "outcomes.xlsx"))
    assert done.returncode == 0 and "Wrote" in done.stdout and "rows" in done.stdout
    assert (tmp_path / "outcomes.xlsx").stat().st_size > 1000
    efforts = run("--archive", str(demo_path), "table", "efforts", "--out", str(tmp_path / "e.csv"))
    assert efforts.returncode == 0 and (tmp_path / "e.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    refused = run("--archive", str(demo_path), "table", "budgets", "--out", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and "meetings" in refused.stderr


def test_self_test_from_the_source_tree(tmp_path):
    """The same checks the installer runs on its bundle pass from the source tree, and
    a failing check shows as FAIL with a non-zero status."""
    result = run("--self-test", env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len([line for line in lines if line.startswith("ok ")]) == 17 and lines[-1] == "self-test: passed"
    assert not list(tmp_path.glob("piel-self-test-*"))  # its folder is removed
    data = Path(os.environ["XDG_DATA_HOME"]) / "piel-desktop"
    assert not (data / "backups").exists()  # nor the user's backups or settings touched
    assert not (Path(os.environ["XDG_CONFIG_HOME"]) / "piel-desktop" / "settings.json").exists()


def test_self_test_reports_a_failing_check(monkeypatch, capsys):
    from piel_desktop.ui import selftest
    monkeypatch.setattr(selftest, "KNOWN_MESSAGE", "a message no catalog has")
    assert cli.main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  catalog fr: 'a message no catalog has' is not translated" in out
    assert "ok    brief in fr" in out and out.splitlines()[-1] == "self-test: 5 checks failed"


def test_self_test_without_its_demo_archive_fails_its_checks_and_does_not_wait(monkeypatch, capsys):
    """The bundle's self-test runs unattended: a failed first check must not leave the
    window check waiting on a message box (it hung the installer build once)."""
    from piel_desktop.ui import selftest

    def broken(self):
        raise ModuleNotFoundError("No module named 'piel_desktop.storage.sqlite.triggers'")
    monkeypatch.setattr(selftest.SelfTest, "demo_archive", broken)
    assert cli.main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  demo archive in a non-ASCII folder: ModuleNotFoundError" in out
    assert "FAIL  window: no demo archive to open" in out
    assert "unexpected message box" not in out


def test_an_unwritable_data_folder_is_named_in_one_sentence(archive, tmp_path):
    """Importing makes a backup first; when the folder for backups cannot be made (here
    a file stands where it should be), the error names that folder and the archive is
    left as it was."""
    other = tmp_path / "other.piel"
    run("--archive", str(other), "init")
    package = tmp_path / "p.pielpkg"
    assert run("--archive", str(archive), "export", "--full", "--out", str(package)).returncode == 0
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    before = run("--archive", str(other), "fingerprint").stdout
    result = run("--archive", str(other), "import", str(package),
                 env={"PIEL_USER_DIR": str(blocker / "user")})
    assert_clean_error(result, "cannot be written", "The folder ", "not-a-folder")
    assert run("--archive", str(other), "fingerprint").stdout == before


def test_archive_option_after_the_command(archive):
    result = run("check", "--archive", str(archive))
    assert result.returncode == 0 and str(archive) in result.stdout


def test_a_file_in_place_of_a_command_opens_it(archive, tmp_path):
    """What a file manager passes (`piel-desktop FILE`): an archive is opened, a package
    is offered for import; a name that is neither is still a usage error."""
    argv, opened = cli._opened_file([str(archive)])
    assert argv == [] and opened == archive
    package = tmp_path / "de HQ.pielpkg"
    argv, opened = cli._opened_file(["--lang", "es", str(package)])
    assert argv == ["--lang", "es"] and opened == package
    assert cli._opened_file(["check"]) == (["check"], None)
    assert run("nonsense").returncode == 2
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "piel_desktop", str(archive)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert_clean_error(result, "needs a graphical display")  # it went for the window
