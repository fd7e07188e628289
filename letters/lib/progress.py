"""A progress bar for long management commands."""

import sys


class Progress:
    """A one-line progress bar on stderr, redrawn in place when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label = label
        self.total = total
        self.enabled = enabled
        self.interactive = sys.stderr.isatty()
        self.done = 0

    def advance(self, amount: int) -> None:
        self.done += amount
        if self.enabled and (self.interactive or self.done >= self.total):
            filled = self.WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            end = "\n" if self.done >= self.total else ""
            sys.stderr.write(f"\r{self.label} [{bar}] {self.done:,}/{self.total:,}{end}")
            sys.stderr.flush()
