class ImportFailure(Exception):
    """An input that cannot become an article. The message is shown to the user as the reason."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
