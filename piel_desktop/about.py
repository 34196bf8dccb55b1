"""What PIeL Desktop is made of: the bundled fonts and the libraries it runs on, with
their licences, for Help → About and for the installer (which copies the metadata of
exactly these distributions into the bundle, so the versions show there too).

Licences are SPDX identifiers, as the distributions' own metadata (PyPI) and the font
projects' licence files state them.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Component:
    name: str
    licence: str  # SPDX expression
    #: The Python distribution it comes in (for its version), or None.
    distribution: str | None = None
    #: A licence text shipped in resources/, relative to it, or None.
    licence_file: str | None = None


PROGRAM_LICENCE = "GPL-3.0-or-later"

FONTS: tuple[Component, ...] = (
    Component("Noto Sans", "OFL-1.1", licence_file="fonts/OFL-NotoSans.txt"),
    Component("Amiri", "OFL-1.1", licence_file="fonts/OFL-Amiri.txt"),
    Component("WenQuanYi Micro Hei", "Apache-2.0", licence_file="fonts/LICENSE-WenQuanYiMicroHei.txt"),
    # Fallback fonts for what the three above lack (reports/fonts.py, FALLBACKS).
    Component("Noto Sans Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, "
              "Kannada, Malayalam, Sinhala and Math", "OFL-1.1", licence_file="fonts/OFL-NotoSansIndicMath.txt"),
    Component("Symbola", "LicenseRef-Symbola-free-use", licence_file="fonts/LICENSE-Symbola.txt"),
)

LIBRARIES: tuple[Component, ...] = (
    Component("Python", "PSF-2.0"),
    Component("Qt and PySide6", "LGPL-3.0-only", "PySide6-Essentials"),
    Component("ICU (in Qt)", "Unicode-3.0"),
    Component("Shiboken", "LGPL-3.0-only", "shiboken6"),
    Component("SQLAlchemy", "MIT", "SQLAlchemy"),
    Component("Alembic", "MIT", "alembic"),
    Component("Mako", "MIT", "Mako"),
    Component("MarkupSafe", "BSD-3-Clause", "MarkupSafe"),
    Component("typing_extensions", "PSF-2.0", "typing_extensions"),
    Component("ReportLab", "BSD-3-Clause", "reportlab"),
    Component("rl_accel", "BSD-3-Clause", "rl_accel"),
    Component("Pillow", "MIT-CMU", "pillow"),
    Component("arabic-reshaper", "MIT", "arabic-reshaper"),
    Component("python-bidi", "LGPL-3.0-only", "python-bidi"),
    Component("Babel (with Unicode CLDR data)", "BSD-3-Clause AND Unicode-3.0", "babel"),
    Component("platformdirs", "MIT", "platformdirs"),
    Component("cryptography", "Apache-2.0 OR BSD-3-Clause", "cryptography"),
    Component("cffi", "MIT-0", "cffi"),
    Component("openpyxl", "MIT", "openpyxl"),
    Component("et-xmlfile", "MIT", "et_xmlfile"),
    Component("pypdf", "BSD-3-Clause", "pypdf"),
    Component("charset-normalizer", "MIT", "charset-normalizer"),
    Component("PyStemmer (with the Snowball stemmers)", "MIT AND BSD-3-Clause", "PyStemmer"),
)


#: What a frozen bundle also carries, besides the components listed.
SYSTEM_LIBRARIES = ("GLib", "FreeType", "HarfBuzz", "Fontconfig", "libxcb", "OpenSSL", "SQLite")


def version_of(component: Component) -> str:
    """The installed version of ``component``'s distribution, or "" if unknown."""
    if component.name == "Python":
        return platform.python_version()
    if component.distribution is None:
        return ""
    try:
        return metadata.version(component.distribution)
    except metadata.PackageNotFoundError:
        return ""
