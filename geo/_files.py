"""Reading the small text files a user names (a model TOML, an import mapping, a key file).

Each must be a regular file of sensible size: a FIFO would block the read for good, a device such
as ``/dev/zero`` never ends, and a huge file is not what was meant. The check comes before the
file is opened, so neither can hang or exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["SMALL_FILE_BYTES", "read_small_text", "special_file"]

#: Largest model TOML, import mapping or key file read (bytes).
SMALL_FILE_BYTES = 16 * 1024 * 1024


def special_file(path: Path | str) -> str | None:
    """What ``path`` is when it is not a regular file (``"a FIFO"``, ``"a device"`` …), else
    ``None``; a missing file is ``None`` too (the caller reports it as missing).

    >>> special_file("/dev/null")
    'a device'
    >>> special_file(__file__) is None
    True
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_small_text(path: Path | str, *, encoding: str = "utf-8",
                    limit: int = SMALL_FILE_BYTES) -> str:
    """The text of a small regular file.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        ``path`` is a FIFO, a device, a socket or a folder, or is larger than ``limit`` bytes;
        the message says which, in words.
    UnicodeDecodeError
        Not text in ``encoding``.

    Examples
    --------
    >>> read_small_text("/dev/zero")
    Traceback (most recent call last):
    ...
    ValueError: is a device, not a regular file
    """
    kind = special_file(path)
    if kind:
        raise ValueError(f"is {kind}, not a regular file")
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"is larger than {limit // (1024 * 1024)} MB; this is not the small "
                         "text file expected here")
    return data.decode(encoding)
