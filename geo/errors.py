"""All exceptions raised by the project, in one hierarchy."""

from __future__ import annotations

from dataclasses import dataclass


class GeoError(Exception):
    """Base class of every error this project raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file or a report.

    Attributes
    ----------
    path : str
        The file, as given (relative paths stay relative).
    line : int
        1-based line number in that file, 0 when the problem concerns the whole file.
    message : str
        What is wrong, in one line.
    """

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DataError(GeoError, ValueError):
    """A dataset is missing, unreadable or invalid; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = (
            [problems] if isinstance(problems, Problem) else list(problems)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class ReportError(GeoError, ValueError):
    """A report file cannot be read (encoding, binary content, size, missing date)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.problem = Problem(path, line, message)
        super().__init__(str(self.problem))


class DateOutOfRange(GeoError, ValueError):
    """A date lies outside the dataset's period."""


class UnknownIdError(GeoError, KeyError):
    """A locality, faction, corridor or route id is not in the dataset."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class GeocoderError(GeoError):
    """Base class of the geocoder errors (modelled on geopy.exc)."""


class GeocoderUnavailable(GeocoderError, ConnectionError):
    """The geocoding service cannot be reached."""


class GeocoderTimedOut(GeocoderError, TimeoutError):
    """The geocoding service did not answer in time."""


class GeocoderServiceError(GeocoderError):
    """The geocoding service answered with an error."""


class WriteError(GeoError, OSError):
    """A write into the dataset could not be done; the old file is left intact."""


class ClaimError(GeoError, ValueError):
    """A proposed claim cannot be accepted into the dataset as it stands."""


class StoreError(GeoError):
    """A dataset store cannot be opened or used: bad URL, unreachable or foreign database,
    a schema older or newer than the code."""


class IngestError(GeoError, RuntimeError):
    """Ingestion failed in a way no report problem explains: a report that breaks the code,
    a worker or cluster that failed. The message names the report or batch."""
