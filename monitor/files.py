"""Files that appear complete or not at all: reports, feeds and exports are read by web servers and feed
readers while they are rewritten.

A file that cannot be written raises `OutputFileError` naming the path the user gave (never the temporary
name) and the operating system's reason in words (권한 없음, 폴더가 아님 …)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from monitor.errors import OutputFileError
from monitor.i18n import MESSAGES, t
from monitor.vocab import Lang


@contextmanager
def atomic_text(path: Path, *, encoding: str = "utf-8", newline: str | None = None) -> Iterator[TextIO]:
    """A text file written beside `path` and renamed over it when complete. The temporary file is created
    like any other, so the result has the usual permissions (umask); a failure leaves no trace."""
    _make_parent(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding=encoding, newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from exc
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path`, all at once (see `atomic_text`)."""
    _make_parent(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from exc
        raise


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def cannot_write(path: Path, exc: OSError) -> OutputFileError:
    """`path` could not be written because of `exc`: one line in both languages."""
    ko, en = (t("error.write", lang, path=path, reason=os_reason(exc, lang, path)) for lang in ("ko", "en"))
    return OutputFileError(en, ko=ko)


def os_reason(exc: OSError, lang: Lang, path: Path | None = None) -> str:
    """The operating system's reason for `exc`, in words (권한 없음, 폴더가 아님, …). When a folder on the
    way to `path` is a file, that file is named."""
    code = errno.errorcode.get(exc.errno or 0, "")
    if code in ("EEXIST", "ENOTDIR") and path is not None:
        blocker = _file_in_the_way(path)
        if blocker is not None:
            return t("error.not_a_folder", lang, blocker=blocker)
    if f"error.os.{code}" in MESSAGES:
        return t(f"error.os.{code}", lang)
    return exc.strerror or str(exc)


def _file_in_the_way(path: Path) -> Path | None:
    """The first existing ancestor of `path` that is not a folder (`--out report.md/x.html`)."""
    for folder in reversed(path.parents):
        if folder.exists() and not folder.is_dir():
            return folder
    return None
