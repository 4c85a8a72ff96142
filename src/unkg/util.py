"""Small helpers shared by the stages."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path


@cache
def _file_mode() -> int:
    """The mode a new file gets (0o666 less the umask), as open(2) would give it: mkstemp's files are 0600."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # (no /proc: read the umask by setting it, then put it back)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, content: bytes | str) -> None:
    """Write a file whole or not at all (a temporary file renamed over the old one); text as UTF-8."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _file_mode())  # readable as any file the user writes, not owner-only
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
