"""Every error a user of propwatch can see.

Each one names the input it is about and says what is wrong with it in one line, so the CLI can
print ``str(error)`` and exit with status 2, and a batch can list failures and go on.
"""

from __future__ import annotations


class PropwatchError(Exception):
    """Base of all user-facing errors: ``<input>: <reason>``."""

    exit_code = 2

    def __init__(self, input_name: str, reason: str) -> None:
        self.input_name = input_name
        self.reason = reason
        super().__init__(f"{input_name}: {reason}")


# --- reading input -------------------------------------------------------------------------------


class InputError(PropwatchError):
    """The input cannot be read as an article."""


class InputNotFoundError(InputError):
    """A file or folder that does not exist."""


class EmptyInputError(InputError):
    """The input holds no text."""


class BinaryInputError(InputError):
    """The input is binary data (an image, a PDF, an archive…), not text or HTML."""


class InputTooLargeError(InputError):
    """The input is over the configured size cap."""


class BlockedInputError(InputError):
    """A text (or a page at a URL) deleted with ``propwatch delete --block``: it is not stored again."""


class DecodingError(InputError):
    """The bytes cannot be decoded as text in any encoding we can identify."""


class MalformedRecordError(InputError):
    """One record of a bulk source (JSONL line, CSV row, WARC record, feed entry) is broken."""


class UnsupportedInputError(InputError):
    """We do not know how to read this kind of input."""


# What a reason about undecodable bytes tells the user to do.
ENCODING_HINT = "give its encoding with --encoding (e.g. cp1251; setting input_encoding) or save it as UTF-8"


# --- fetching URLs -------------------------------------------------------------------------------


class FetchError(PropwatchError):
    """A URL could not be fetched: unreachable, timed out, HTTP error, wrong content type. ``status`` is
    the HTTP error status the server answered (None for other failures); ``retry_after`` the seconds its
    Retry-After asked to wait on a 429 or 503 (None when it asked nothing readable)."""

    def __init__(
        self, input_name: str, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(input_name, reason)
        self.status = status
        self.retry_after = retry_after


class RefusedAddressError(FetchError):
    """The URL resolves to a loopback, private, link-local or metadata address (SSRF guard)."""


class RobotsDisallowedError(FetchError):
    """The site's robots.txt forbids fetching this URL."""


# --- storage and lookups -------------------------------------------------------------------------


class StorageError(PropwatchError):
    """The database cannot be opened, migrated or written."""


class NotFoundError(PropwatchError):
    """No stored article with that id."""


# --- analyzers -----------------------------------------------------------------------------------


class AnalyzerError(PropwatchError):
    """An analyzer is unknown, cannot be loaded, or its requirements are not met."""


class ConfigurationError(PropwatchError):
    """A setting has a value propwatch cannot use."""


_MAX_DETAIL = 200


def exception_summary(error: BaseException) -> str:
    """``Name: detail`` of an unexpected exception (a parser's, a plugin's), on one line and short:
    the reason a failure line gives instead of a traceback."""
    detail = " ".join(str(error).split())
    if len(detail) > _MAX_DETAIL:
        detail = detail[: _MAX_DETAIL - 1] + "…"
    name = type(error).__name__
    return f"{name}: {detail}" if detail else name
