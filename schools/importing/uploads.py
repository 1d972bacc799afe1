"""Uploads waiting between preview and confirm: a private temp file per upload.

The file is stored under ``ROSTER_IMPORT_UPLOAD_DIR`` with a random token as its
name; the session maps the token to the district and the original file names.
Nothing identifying (no pupil name, no file name) ever appears in a URL or a log.
Files older than a day are swept at the next upload.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings

from schools.importing.services import RosterFile

SESSION_KEY = "roster_imports"
MAX_AGE_SECONDS = 24 * 3600


def upload_dir() -> Path:
    folder = Path(settings.ROSTER_IMPORT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def uploads_store(*, session, district_id: int, files) -> tuple[str, list[RosterFile]]:
    """Saves uploaded files under a new token; returns it and the stored files."""
    _sweep()
    token = secrets.token_urlsafe(24)
    stored = []
    for index, upload in enumerate(files):
        path = upload_dir() / f"{token}-{index}.xlsx"
        with open(path, "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        path.chmod(0o600)
        stored.append(RosterFile(path, Path(upload.name).name))
    entries = session.get(SESSION_KEY, {})
    entries[token] = {
        "district": district_id,
        "files": [[f.path.name, f.name] for f in stored],
        "created": time.time(),
    }
    session[SESSION_KEY] = entries
    return token, stored


def uploads_get(*, session, token: str, district_id: int) -> list[RosterFile] | None:
    entry = session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["district"] != district_id:
        return None
    files = [RosterFile(upload_dir() / stored, name) for stored, name in entry["files"]]
    return files if all(f.path.is_file() for f in files) else None


def uploads_discard(*, session, token: str) -> None:
    entries = session.get(SESSION_KEY, {})
    entry = entries.pop(token, None)
    session[SESSION_KEY] = entries
    if entry:
        for stored, _name in entry["files"]:
            (upload_dir() / Path(stored).name).unlink(missing_ok=True)


def _sweep() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in upload_dir().glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
