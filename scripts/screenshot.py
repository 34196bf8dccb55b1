"""A screenshot of the main window on a fresh demo archive, meeting 12 selected.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot.py es docs/screenshot.png
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot.py ar ar.png registro

Arguments: interface language, PNG file, and optionally words typed in the toolbar's
search field. Settings and the archive live in a temporary folder (the user's are not
touched). Needs Xvfb (Debian: xvfb xauth) and the Qt X11 libraries of scripts/dev.sh.
"""
import os, sys, tempfile
from pathlib import Path
lang, out = sys.argv[1], sys.argv[2]
query = sys.argv[3] if len(sys.argv) > 3 else ""
home = Path(tempfile.mkdtemp(prefix=f"shots-{lang}-"))
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[name] = str(home / name.lower())
from PySide6.QtCore import QTimer
from piel_desktop.settings import Settings
from piel_desktop.ui.app import prepare_application
from piel_desktop.ui.main_window import MainWindow
settings = Settings()
app = prepare_application(lang, settings)
window = MainWindow(settings)
window.resize(1200, 760)
window.move(0, 0)
window.show()
window.create_archive(home / f"demo-{lang}.piel", demo=True)
window.select_meeting(12)
if query:
    window.toolbar.search_field.setText(query)
    window.search.run()
def grab():
    app.processEvents()
    window.grab().save(out)
    window.close()
    app.quit()
QTimer.singleShot(800, grab)
app.exec()
