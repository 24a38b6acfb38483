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
        What is wrong, in words a person can act on.
    """

    file: str
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.location}: {self.field}: {self.message}"


class RouteriskError(ValueError):
    """Base class of the errors routerisk reports to the user as one clear line each."""

    def __init__(self, message: str, *, file: str = "-", location: str = "-", field: str = "-"):
        self.problem = Problem(file, location, field, message)
        super().__init__(str(self.problem))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """All problems this error stands for."""
        return (self.problem,)


class ValidationError(RouteriskError):
    """Several problems found in the inputs, reported all at once."""

    def __init__(self, problems: Iterable[Problem]):
        items = tuple(problems)
        if not items:
            raise ValueError("ValidationError needs at least one problem")
        first = items[0]
        super().__init__(
            first.message, file=first.file, location=first.location, field=first.field
        )
        self._problems = items
        self.args = ("\n".join(str(p) for p in items),)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self._problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self._problems)


class PlaceError(RouteriskError):
    """A place name that the gazetteer cannot resolve, or resolves ambiguously."""


class ConfigError(RouteriskError):
    """A risk model configuration that is missing values or holds wrong ones."""


class UsageError(RouteriskError):
    """A command-line call that is not of the expected form (exit code 2)."""


class InputWarning(UserWarning):
    """Something in the input is suspicious but not wrong (for example swapped lat/lon)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))
