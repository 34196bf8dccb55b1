"""The installable program: build_installer.py builds the bundle, and the frozen
program's own self-test passes in it (catalogs, fonts, briefs in six languages,
packages, all in a folder with a non-ASCII path)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from piel_desktop import __version__
from piel_desktop.domain.model import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """Run build_installer.py as a user would; returns the dist folder and its output."""
    dist = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("work")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--dist", str(dist), "--work", str(work)],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return dist, result.stdout


def test_bundle_self_test_passes_in_a_hostile_locale(built, tmp_path):
    dist, _ = built
    program = dist / "piel-desktop" / "piel-desktop"
    assert program.is_file() and os.access(program, os.X_OK)
    # No display, the C locale and an empty home: what a fresh laptop account gives.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LC_ALL": "C",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "TMPDIR": str(tmp_path)}
    result = subprocess.run([str(program), "--self-test"], capture_output=True, text=True,
                            env=env, encoding="utf-8")
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in lines if line.startswith("FAIL")]
    checks = [line.split(":")[0].removeprefix("ok").strip() for line in lines if line.startswith("ok")]
    for lang in LANGUAGES:
        assert f"catalog {lang}" in checks and f"brief in {lang}" in checks
    assert {"demo archive in a non-ASCII folder", "window", "package export and import"} <= set(checks)
    assert "Réunions 2026/记录" in result.stdout
    assert lines[-1] == "self-test: passed"
    # The temporary folder is cleaned up.
    assert not list(tmp_path.glob("piel-self-test-*"))


def test_bundle_answers_version_and_refuses_bad_input(built, tmp_path):
    dist, _ = built
    program = dist / "piel-desktop" / "piel-desktop"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    version = subprocess.run([str(program), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.strip() == f"PIeL Desktop {__version__}"
    missing = subprocess.run([str(program), "--archive", str(tmp_path / "none.piel"), "check"],
                             capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and missing.stderr.strip()


def test_bundle_contents_and_size(built):
    dist, output = built
    bundle = dist / "piel-desktop"
    files = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()]
    qt_catalogs = sorted(Path(f).name for f in files if "/translations/" in f)
    assert qt_catalogs == sorted(f"qtbase_{c}.qm" for c in ("ar", "en", "es", "fr", "ru", "zh_CN"))
    for lang in LANGUAGES:
        assert f"_internal/i18n/{lang}/LC_MESSAGES/piel_desktop.mo" in files
    assert not [f for f in files if "WebEngine" in f or "Qt6Qml" in f or "libgtk" in f]
    assert any(f.endswith("resources/fonts/Amiri-Regular.ttf") for f in files)
    total = sum((bundle / f).stat().st_size for f in files if not (bundle / f).is_symlink())
    assert total < 300 * 2**20, f"bundle is {total / 2**20:.0f} MB"
    assert "MB  total" in output and "glibc" in output

    tarball = dist / f"piel-desktop-{__version__}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
        top = f"piel-desktop-{__version__}"
        assert {f"{top}/piel-desktop.desktop", f"{top}/install.sh", f"{top}/piel-desktop.svg",
                f"{top}/piel-desktop/piel-desktop"} <= names
        desktop = tar.extractfile(f"{top}/piel-desktop.desktop").read().decode()
        assert "Exec=" in desktop and "Icon=piel-desktop" in desktop


def test_tarball_installs_for_the_user(built, tmp_path):
    dist, _ = built
    tarball = dist / f"piel-desktop-{__version__}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    script = tmp_path / "unpacked" / f"piel-desktop-{__version__}" / "install.sh"
    subprocess.run(["sh", str(script)], check=True, env=env, capture_output=True)
    command = home / ".local" / "bin" / "piel-desktop"
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True,
                             env={**env, "XDG_STATE_HOME": str(home / "state")})
    assert version.stdout.strip() == f"PIeL Desktop {__version__}"
    entry = (home / ".local/share/applications/piel-desktop.desktop").read_text()
    assert f'Exec="{home}/.local/opt/piel-desktop/piel-desktop" %f' in entry
    assert (home / ".local/share/icons/hicolor/scalable/apps/piel-desktop.svg").is_file()
