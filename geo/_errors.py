"""Domain errors and warnings.

Every problem with the input is reported as one line ``FILE:ROW_OR_FEATURE: field: what is wrong``.
Loaders collect all problems of a file and raise them together in one :class:`ValidationError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "InputWarning",
    "PlaceError",
    "Problem",
    "RouteriskError",
    "UsageError",
    "ValidationError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input.

    Parameters
    ----------
    file
        Name of the file (as given by the user), or a label such as ``"config"``.
    location
        Row (``row 12``), feature (``feature 3``) or another locator; ``"-"`` for the whole file.
    field
        The column, property or key concerned; ``"-"`` when none applies.
    message
        What is wrong, in words a person can act on (no command-line flags: the library
        speaks of its keywords, the command line adds its flags).
    option
        The keyword that changes the outcome, as ``name=value`` (``"repair=True"``,
        ``"encoding='utf-16'"``), shown after the message; the command line shows the flag
        instead (``--repair``, ``--encoding utf-16``).

    Examples
    --------
    >>> print(Problem("incidents.csv", "row 3", "date", "2024-13-01 is not a date"))
    incidents.csv:row 3: date: 2024-13-01 is not a date
    >>> print(Problem("b.geojson", "feature 2", "geometry", "invalid polygon", "repair=True"))
    b.geojson:feature 2: geometry: invalid polygon (repair=True)

    A problem with no file (an argument of a call) names only the keyword:

    >>> print(Problem("-", "-", "as_of", "'June' is not a date YYYY-MM-DD"))
    as_of: 'June' is not a date YYYY-MM-DD
    """

    file: str
    location: str
    field: str
    message: str
    option: str = ""

    def __str__(self) -> str:
        if (self.file, self.location) != ("-", "-"):
            text = f"{self.file}:{self.location}: {self.field}: {self.message}"
        else:  # an argument of a call, not a place in a file
            text = self.message if self.field == "-" else f"{self.field}: {self.message}"
        return f"{text} ({self.option})" if self.option else text


class RouteriskError(ValueError):
    """Base class of the errors routerisk reports to the user as one clear line each.

    Parameters
    ----------
    message
        What is wrong.
    file, location, field
        Where: as in :class:`Problem` (``"-"`` when it does not apply). For an option of a
        Python call, ``field`` is the keyword (``"as_of"``); the command line shows its flag.

    Examples
    --------
    >>> str(RouteriskError("is empty", file="corridors.geojson", field="route"))
    'corridors.geojson:-: route: is empty'
    >>> str(RouteriskError("'June' is not a date", field="as_of"))
    "as_of: 'June' is not a date"
    """

    def __init__(self, message: str, *, file: str = "-", location: str = "-", field: str = "-"):
        self.problem = Problem(file, location, field, message)
        super().__init__(str(self.problem))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """All problems this error stands for.

        Returns
        -------
        tuple of Problem
            One for a single error, several for a :class:`ValidationError`.

        Examples
        --------
        >>> len(RouteriskError("bad").problems)
        1
        """
        return (self.problem,)


class ValidationError(RouteriskError):
    """Several problems found in the inputs, reported all at once.

    ``str()`` lists up to 20 problems; more are summarised by kind, with counts, an example
    and the fix of each; :attr:`problems` holds every one.

    Parameters
    ----------
    problems
        At least one :class:`Problem`.

    Examples
    --------
    >>> exc = ValidationError([Problem("a.csv", "row 1", "date", "missing"),
    ...                        Problem("a.csv", "row 2", "type", "unknown type 'x'")])
    >>> print(exc)
    a.csv:row 1: date: missing
    a.csv:row 2: type: unknown type 'x'
    """

    def __init__(self, problems: Iterable[Problem]):
        items = tuple(problems)
        if not items:
            raise ValueError("ValidationError needs at least one problem")
        first = items[0]
        super().__init__(
            first.message, file=first.file, location=first.location, field=first.field
        )
        self._problems = items
        self.args = (str(self),)

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem, in input order (``str()`` of the error shows at most ~20 lines).

        Returns
        -------
        tuple of Problem
            All of them.

        Examples
        --------
        >>> len(ValidationError([Problem("a.csv", "row 2", "x", "bad")] * 30).problems)
        30
        """
        return self._problems

    def __str__(self) -> str:
        from geo._problems import summary_lines

        return "\n".join(summary_lines(self._problems, full_list="this error's .problems"))


class PlaceError(RouteriskError):
    """A place name that the gazetteer cannot resolve, or resolves ambiguously.

    Parameters
    ----------
    message
        What is wrong.
    file, location, field
        Where: as in :class:`Problem` (``"-"`` when it does not apply). For an option of a
        Python call, ``field`` is the keyword (``"as_of"``); the command line shows its flag.

    Examples
    --------
    >>> isinstance(PlaceError("no such place"), ValueError)
    True
    """


class ConfigError(RouteriskError):
    """A risk model configuration that is missing values or holds wrong ones.

    Parameters
    ----------
    message
        What is wrong.
    file, location, field
        Where: as in :class:`Problem` (``"-"`` when it does not apply). For an option of a
        Python call, ``field`` is the keyword (``"as_of"``); the command line shows its flag.

    Examples
    --------
    >>> ConfigError("must be > 0", file="model.toml", field="weight").problem.field
    'weight'
    """


class UsageError(RouteriskError):
    """A call that is not of the expected form (the command line exits with 2).

    Parameters
    ----------
    message
        What is wrong.
    file, location, field
        Where: as in :class:`Problem` (``"-"`` when it does not apply). For an option of a
        Python call, ``field`` is the keyword (``"as_of"``); the command line shows its flag.

    Examples
    --------
    >>> UsageError("'June' is not a date", field="as_of").problem.field
    'as_of'
    """


class InputWarning(UserWarning):
    """Something in the input is suspicious but not wrong (for example swapped lat/lon).

    Parameters
    ----------
    problem
        Where and what, as for an error.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn(InputWarning(Problem("a.csv", "row 4", "lat", "looks swapped")))
    >>> caught[0].message.problem.field
    'lat'
    """

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


# Shown and pickled as ``geo.ValidationError`` …: the names users import them by.
for _public in (RouteriskError, ValidationError, PlaceError, ConfigError, UsageError,
                InputWarning, Problem):
    _public.__module__ = "geo"
del _public
