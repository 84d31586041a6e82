"""A one-line progress bar on stderr, for downloads (bytes) and conversions (images)."""

import sys
import time


class Progress:
    """``verb name: done/total unit [#####-----] 50%`` on stderr, redrawn at most every 0.2 s.

    Parameters
    ----------
    name : str
        What is being processed (a file name).
    total : int or None
        The amount when done; None draws the amount alone.
    enabled : bool
        False draws nothing.
    verb : str, default="Downloading"
        The line's first word.
    unit : {"MB", "images"}, default="MB"
        ``done`` and ``total`` are bytes (shown in MB) or counts of images.

    Examples
    --------
    >>> bar = Progress("images", 4, enabled=False, verb="Converting", unit="images")
    >>> bar.update(2)  # draws nothing: disabled
    """

    def __init__(self, name, total, enabled, *, verb="Downloading", unit="MB"):
        self.name, self.total, self.enabled = name, total, enabled
        self.verb, self.unit = verb, unit
        self.last = 0.0

    def _amount(self, value):
        return f"{value / 1e6:.1f}" if self.unit == "MB" else f"{value:,}"

    def update(self, done, *, final=False):
        now = time.monotonic()
        if not self.enabled or (not final and now - self.last < 0.2):
            return
        self.last = now
        if self.total:
            width = 30
            filled = int(width * done / self.total)
            bar = "#" * filled + "-" * (width - filled)
            text = (f"{self._amount(done)}/{self._amount(self.total)} {self.unit} [{bar}] "
                    f"{100 * done / self.total:.0f}%")
        else:
            text = f"{self._amount(done)} {self.unit}"
        sys.stderr.write(f"\r{self.verb} {self.name}: {text}")
        if final:
            sys.stderr.write("\n")
        sys.stderr.flush()
