#!/usr/bin/env bash
# Set up everything PIeL Desktop needs on Debian/Ubuntu, then run it or its tests.
#
#   scripts/dev.sh demo   set up, create the demo archive if missing, open the window on it
#   scripts/dev.sh hq [clerk|reader|admin|stop|remove]
#                         set up, start a local PostgreSQL cluster in .hq/ holding the demo
#                         as an HQ archive with three accounts, open the window logged in
#                         (scripts/local_hq.py says more)
#   scripts/dev.sh test   set up, run the test suite (what CI runs)
#   scripts/dev.sh setup  set up only
#
# Set-up is idempotent: system libraries Qt needs (apt-get, with sudo unless root), a
# virtual environment in .venv with the versions pinned in constraints.txt, and the
# compiled message catalogs.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Qt (PySide6) on X11 and offscreen
  libglib2.0-0 libegl1 libgl1 libfontconfig1 libfreetype6 libx11-6 libxkbcommon0
  libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0
  libxcb-xkb1 libxcb-sync1 libxcb-shm0 libx11-xcb1 libxcb-glx0 libxcb-util1
  # a font for the window's own text
  fonts-noto-core
  # PyInstaller reads the libraries' dependencies with objdump (build_installer.py)
  binutils
  # tests/test_council_docx.py opens the Word report in LibreOffice (soffice --convert-to pdf)
  libreoffice-writer-nogui
  # HQ archives: the tests start their own PostgreSQL 15 server (tests/pg_server.py)
  postgresql
)
PYTHON=${PYTHON:-python3}

install_system_packages() {
  local wanted=("${APT_PACKAGES[@]}" "$@") missing=()
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    wanted+=("python3-venv")
  fi
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Please install the equivalents of: ${missing[*]}" >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup() {
  install_system_packages "$@"
  # (Re)create the environment unless it works: an attempt made before python3-venv
  # was installed leaves a .venv without pip behind.
  if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    "$PYTHON" -m venv --clear .venv
  fi
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test,build]"
  .venv/bin/pybabel --quiet compile
}

case "${1:-}" in
  demo)
    setup
    archive=$(.venv/bin/python -c 'from piel_desktop.paths import demo_archive_path; print(demo_archive_path())')
    if [ ! -f "$archive" ]; then
      .venv/bin/piel-desktop --archive "$archive" init --demo
    fi
    exec .venv/bin/piel-desktop --archive "$archive" "${@:2}"
    ;;
  hq)
    setup
    exec .venv/bin/python scripts/local_hq.py "${@:2}"
    ;;
  test)
    setup
    exec env QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "${@:2}"
    ;;
  setup)
    setup
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
