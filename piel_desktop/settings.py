"""The user's settings: one JSON file in the platform's configuration folder.

Readable without Qt, so the command line and the window share it. Unknown keys are
kept, so an older program does not drop what a newer one wrote. A damaged file is set
aside (``settings.json.damaged``) and defaults are used.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from piel_desktop.paths import config_dir

log = logging.getLogger(__name__)


#: Keys in use and the type of their values; a value of another type (a hand-edited
#: file, another program's) reads as absent.
KEYS: dict[str, type] = {
    "language": str,  # interface language code; absent: the system's
    "last_archive": str,  # path of the archive the window opened last
    "window": dict,  # base64 Qt states of the main window
    "brief_language": str,  # language chosen for the last brief
    "brief_folder": str,  # folder the last brief was saved in
    "package_folder": str,  # folder a package was last exported to or imported from
}


class Settings:
    """Dictionary-like settings with :meth:`save`; keys and types in :data:`KEYS`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        self._data: dict[str, Any] = {}
        try:
            self._data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self._data, dict):
                raise ValueError("not a JSON object")
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            log.warning("settings file %s unreadable (%s); using defaults", self.path, e)
            self._data = {}
            try:
                os.replace(self.path, self.path.with_suffix(".json.damaged"))
            except OSError:
                pass

    def get(self, key: str, default: Any = None) -> Any:
        value = self._data.get(key)
        return value if isinstance(value, KEYS.get(key, object)) else default

    def set(self, key: str, value: Any) -> None:
        if value is None:
            self._data.pop(key, None)
        else:
            self._data[key] = value

    def save(self) -> None:
        """Write atomically; failures are logged, never raised (settings are not records)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".json.tmp")
            temporary.write_text(json.dumps(self._data, indent=2, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as e:
            log.warning("cannot save settings to %s: %s", self.path, e)
