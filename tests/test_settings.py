"""The settings file: kept across runs, forgiving of damage and of odd values."""

from __future__ import annotations

import json

from piel_desktop import cli
from piel_desktop.settings import Settings


def test_round_trip_keeps_unknown_keys():
    settings = Settings()
    settings.set("language", "es")
    settings.save()
    data = json.loads(settings.path.read_text(encoding="utf-8"))
    data["added_by_a_newer_version"] = [1, 2]
    settings.path.write_text(json.dumps(data), encoding="utf-8")
    again = Settings()
    assert again.get("language") == "es"
    again.set("last_archive", "/tmp/x.piel")
    again.save()
    assert json.loads(settings.path.read_text(encoding="utf-8"))["added_by_a_newer_version"] == [1, 2]


def test_damaged_file_is_set_aside():
    path = Settings().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    settings = Settings()
    assert settings.get("language") is None
    assert path.with_suffix(".json.damaged").read_text(encoding="utf-8") == "{not json"


def test_values_of_the_wrong_type_read_as_absent(capsys, demo_path):
    path = Settings().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"language": 5, "last_archive": 7, "window": "abc"}), encoding="utf-8")
    settings = Settings()
    assert settings.get("language") is None and settings.get("last_archive") is None
    assert settings.get("window", {}) == {}
    assert cli.main(["--archive", str(demo_path), "check"]) == 0
    assert "Meetings: 6" in capsys.readouterr().out
