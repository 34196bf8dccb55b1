#!/usr/bin/env python3
"""Build the PIeL Desktop bundle: compile the catalogs, freeze with PyInstaller, pack.

Steps, in order:

1. compile ``i18n/*/LC_MESSAGES/piel_desktop.po`` to ``.mo`` (Babel);
2. freeze the program with PyInstaller, as ``packaging/piel-desktop.spec`` says, into
   one folder: ``dist/piel-desktop/`` with the executable ``piel-desktop``
   (``piel-desktop.exe`` on Windows; on macOS also ``PIeL Desktop.app``);
3. print the bundle's size by part and, on Linux, the oldest glibc it runs on;
4. unless ``--no-self-test``, run ``piel-desktop --self-test`` from the bundle;
5. on Linux, pack the folder with a ``.desktop`` file, the icon and ``install.sh``
   into ``dist/piel-desktop-VERSION-linux-ARCH.tar.gz`` (only after the self-test
   passed).

Needs the build extra: ``pip install -c constraints.txt -e ".[build]"``. Exit status 0
when the bundle was built (and its self-test passed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = "piel-desktop"
SPEC = ROOT / "packaging" / f"{NAME}.spec"


def version() -> str:
    about: dict[str, str] = {}
    exec((ROOT / "piel_desktop" / "__init__.py").read_text(encoding="utf-8"), about)
    return about["__version__"]


class BuildError(Exception):
    """Something the person building can fix; the message says what."""


def _require_build_tools() -> None:
    missing = [name for name in ("babel", "PyInstaller", "PySide6", "piel_desktop")
               if importlib.util.find_spec(name) is None]
    if missing:
        raise BuildError(
            f"{', '.join(missing)} not found in this Python ({sys.executable}). Run "
            "scripts/dev.sh setup, then .venv/bin/python build_installer.py.")


def compile_catalogs() -> int:
    """Compile every catalog under i18n/; returns how many were compiled."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for po in sorted((ROOT / "i18n").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parents[1].name, domain=po.stem)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        count += 1
    return count


def freeze(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the bundle folder."""
    import PyInstaller.__main__

    PyInstaller.__main__.run([str(SPEC), "--noconfirm", "--clean", "--log-level", "WARN",
                              "--distpath", str(dist), "--workpath", str(work)])
    return dist / NAME


def executable(bundle: Path) -> Path:
    return bundle / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def pack_linux(bundle: Path, dist: Path) -> Path:
    """The tarball: bundle folder, .desktop file and install.sh (packaging/linux/), icon."""
    arch = platform.machine() or "unknown"
    out = dist / f"{NAME}-{version()}-linux-{arch}.tar.gz"
    top = f"{NAME}-{version()}"
    linux = ROOT / "packaging" / "linux"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(bundle, arcname=f"{top}/{NAME}")
        tar.add(linux / f"{NAME}.desktop", arcname=f"{top}/{NAME}.desktop")
        tar.add(linux / "install.sh", arcname=f"{top}/install.sh")
        tar.add(ROOT / "resources" / "icons" / f"{NAME}.svg", arcname=f"{top}/{NAME}.svg")
    return out


def self_test(bundle: Path) -> bool:
    """Run the bundle's own check (offscreen, no display needed); True if it passed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([str(executable(bundle)), "--self-test"], env=env)
    return result.returncode == 0


# Parts of the bundle the size report names, by where their files sit (first match).
PARTS = (
    ("Qt ICU (Unicode data)", ("libicu",)),
    ("Qt libraries", ("PySide6/Qt/lib", "libQt6")),
    ("Qt plugins", ("PySide6/Qt/plugins",)),
    ("Qt translations", ("PySide6/Qt/translations",)),
    ("PySide6 bindings", ("PySide6", "shiboken6")),
    ("Python runtime and standard library", ("libpython", "python3", "base_library.zip", "lib-dynload")),
    ("fonts", ("resources/fonts",)),
    ("Babel locale data", ("babel",)),
    ("cryptography and OpenSSL", ("cryptography", "libcrypto", "libssl")),
    ("SQLAlchemy", ("sqlalchemy",)),
    ("ReportLab and Pillow", ("reportlab", "PIL", "pillow")),
    ("system libraries (X11, OpenGL, fonts, GLib)", ("_internal/lib",)),
    ("other libraries and the program", ("",)),
)


def size_report(bundle: Path) -> list[tuple[str, int]]:
    """Bytes of the bundle by part (PARTS), largest first, then the total."""
    sizes = dict.fromkeys((name for name, _ in PARTS), 0)
    total = 0
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            total += size
            rel = path.relative_to(bundle).as_posix()
            for name, markers in PARTS:
                if any(marker in rel for marker in markers):
                    sizes[name] += size
                    break
    return [*sorted(sizes.items(), key=lambda item: -item[1]), ("total", total)]


def glibc_needed(bundle: Path) -> str | None:
    """The newest glibc symbol version any library in the bundle needs ("2.36"): the
    oldest glibc the bundle runs on. None where objdump is missing (not Linux)."""
    if not shutil.which("objdump"):
        return None
    newest = (0, 0)
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink() and (path.suffix == ".so" or ".so." in path.name
                                                          or path.name == NAME):
            output = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
            for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", output):
                newest = max(newest, (int(major), int(minor)))
    return f"{newest[0]}.{newest[1]}" if newest > (0, 0) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the PIeL Desktop bundle: compile the catalogs, freeze the program "
                    "with PyInstaller into dist/piel-desktop/ (packaging/piel-desktop.spec), "
                    "pack a tarball with a .desktop file on Linux, run the bundle's "
                    "self-test and report its size.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build",
                        help="PyInstaller's working folder (default: build/)")
    parser.add_argument("--no-self-test", action="store_true", help="do not run the bundle's self-test")
    parser.add_argument("--no-archive", action="store_true", help="do not pack the tarball (Linux)")
    args = parser.parse_args(argv)
    try:
        return build(args)
    except BuildError as error:
        print(f"build_installer.py: {error}", file=sys.stderr)
        return 1


def build(args: argparse.Namespace) -> int:
    _require_build_tools()
    dist, work = args.dist.resolve(), args.work.resolve()
    for folder in (dist, work):
        if folder.exists() and not folder.is_dir():
            raise BuildError(f"{folder} is a file; name a folder for --dist and --work.")
    print(f"Compiled {compile_catalogs()} catalogs.")
    bundle = freeze(dist, work)
    print(f"Bundle: {bundle} (run {executable(bundle)})")
    print("Size:")
    for name, size in size_report(bundle):
        print(f"  {size / 2**20:7.1f} MB  {name}")
    glibc = glibc_needed(bundle) if sys.platform.startswith("linux") else None
    if glibc:
        print(f"Runs on Linux with glibc {glibc} or newer (the newest version its libraries need).")
    if not args.no_self_test and not self_test(bundle):
        print("The bundle's self-test failed; no tarball was made.", file=sys.stderr)
        return 1
    if sys.platform.startswith("linux") and not args.no_archive:
        tarball = pack_linux(bundle, dist)
        print(f"Tarball: {tarball} ({tarball.stat().st_size / 2**20:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
