"""Errors the core raises on purpose; their message is written for the person using the app."""


class SynthLabError(Exception):
    """Base class: the message is plain language, safe to show as-is in the UI or on stderr."""


class DataError(SynthLabError):
    """The uploaded or given data cannot be used (empty, binary, ragged, ...)."""


class SchemaError(SynthLabError):
    """The schema does not fit the data or is inconsistent (unknown column, bad kind, ...)."""


class GeneratorError(SynthLabError):
    """A generator was given bad parameters or failed to fit or sample."""


class Cancelled(SynthLabError):
    """Raised inside long work when the user asked to stop it."""

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)
