import logging

logger = logging.getLogger(__name__)


class ImportFailure(Exception):
    """An input that cannot become an article. The message is shown to the user as the reason."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def unforeseen(exc: Exception, where: str) -> str:
    """Log an error no rule foresaw, with its traceback, and word it for the import report:
    it fails that file or line alone."""
    logger.error("import of %r failed", where, exc_info=exc)
    return f"could not be imported ({type(exc).__name__}: {str(exc)[:200]})"
