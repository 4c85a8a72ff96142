"""The one error type user input can cause: it names the file, the line where it applies, and what was
expected. The command line prints it and exits with code 2."""

from __future__ import annotations


class InputError(Exception):
    def __init__(self, file: str, message: str, line: int | None = None):
        self.file = file
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"
