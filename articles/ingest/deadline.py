"""A time budget for one input, checked between the steps of its import.

Every step is linear in the size of its input, but a large file is still slow: the budget
(`PARALLAX_IMPORT_FILE_SECONDS`) bounds how long one file can hold the importer. What is over
it is reported as failed, and the batch goes on with the next file.
"""

import time

from articles.ingest.errors import ImportFailure

clock = time.monotonic  # tests replace it to make time pass


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = clock() + seconds

    def expired(self) -> bool:
        return clock() > self.end

    def check(self) -> None:
        """Raise ImportFailure once the budget is spent."""
        if self.expired():
            raise ImportFailure(self.reason)

    @property
    def reason(self) -> str:
        return (
            f"took longer than the {self.seconds:g} s one file may take "
            "(PARALLAX_IMPORT_FILE_SECONDS); split it into smaller files"
        )


NO_DEADLINE = Deadline(float("inf"))
