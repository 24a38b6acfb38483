"""Many problems, told briefly: grouped by kind with counts, examples and the fix.

A file with thousands of bad rows gives thousands of :class:`geo.Problem`; a person needs a
few lines: how many of each kind, one example of each, and what to do. :func:`group` makes
those groups, :func:`summary_lines` the lines (at most about 20), :func:`write_problems` the
full list as CSV (``file, location, field, message``).

The kind of a problem is its file, field and message with the particulars taken out (quoted
values, numbers, parenthesised lists): ``'DZ' is not in …`` and ``'TN' is not in …`` are one
kind.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # geo._errors uses this module for ValidationError.__str__
    from geo._errors import Problem

__all__ = ["ProblemGroup", "group", "summary_lines", "write_problems"]

#: Lines :func:`summary_lines` may use (the terminal's share of a report).
MAX_LINES = 20
PROBLEM_COLUMNS = ("file", "location", "field", "message")

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PARENS = re.compile(r"\s*\([^()]*\)")
_NUMBER = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w-])")  # 12, -3.5; not 3166-1

#: Message fragment → what to do about it (the first that matches).
FIXES: tuple[tuple[str, str], ...] = (
    ("is not a first-level unit", "correct the name to the boundaries' spelling, or give it "
     "in a mapping file's [admin1] and import again"),
    ("is not a known type", "map the category to a type of the model, or add the type to "
     "the model config"),
    ("is not an ISO 3166-1 alpha-2 code", "write the two-letter ISO code (CD, RW …)"),
    ("duplicate", "give each row its own id"),
    ("is in the future", "check the date, or give the date the data was checked"),
    ("required column is missing", "rename the column, or import the file with "
     "`routerisk import`"),
    ("is not a date", "write dates as YYYY-MM-DD, YYYY-MM or YYYY"),
    ("lat and lon", "check the coordinates"),
)


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind.

    Parameters
    ----------
    kind
        ``file: field: message`` with the particulars replaced by ``…``.
    problems
        Every problem of the kind, in input order.
    fix
        What to do, when known (else empty).
    """

    kind: str
    problems: tuple[Problem, ...]
    fix: str = ""

    @property
    def count(self) -> int:
        """Number of problems of the kind."""
        return len(self.problems)


def _kind(problem: Problem) -> str:
    message = _PARENS.sub("", _QUOTED.sub("…", problem.message))
    message = " ".join(_NUMBER.sub("N", message).split())
    return f"{problem.file}: {problem.field}: {message}"


def _fix(message: str) -> str:
    return next((fix for fragment, fix in FIXES if fragment in message), "")


def group(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """The problems grouped by kind, largest group first (ties in order of appearance).

    Parameters
    ----------
    problems
        Any number of problems.

    Returns
    -------
    list of ProblemGroup

    Examples
    --------
    >>> from geo._errors import Problem
    >>> ps = [Problem("a.csv", f"row {i}", "country", f"'{c}' is not an ISO 3166-1 alpha-2 "
    ...       "code") for i, c in enumerate(["DZA", "TUN", "X1"], start=2)]
    >>> [(g.count, g.kind) for g in group(ps)]
    [(3, 'a.csv: country: … is not an ISO 3166-1 alpha-2 code')]
    """
    kinds: dict[str, list[Problem]] = {}
    for p in problems:
        kinds.setdefault(_kind(p), []).append(p)
    ordered = sorted(kinds.items(), key=lambda kv: -len(kv[1]))
    return [ProblemGroup(k, tuple(v), _fix(v[0].message)) for k, v in ordered]


def summary_lines(problems: Sequence[Problem], *, max_lines: int = MAX_LINES,
                  full_list: str = "") -> list[str]:
    """At most ``max_lines`` lines for a person: every problem when they fit, else per kind
    the count, one example and the fix, and where the full list is.

    Parameters
    ----------
    problems
        The problems.
    max_lines
        Lines allowed.
    full_list
        Where every problem can be read (a file name), said on the last line.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from geo._errors import Problem
    >>> ps = [Problem("a.csv", f"row {i}", "type", f"'x{i}' is not a known type (arrest)")
    ...       for i in range(2, 40)]
    >>> for line in summary_lines(ps, full_list="problems.csv"):
    ...     print(line)
    38 problems of 1 kind:
    38 × a.csv: type: … is not a known type
      e.g. a.csv:row 2: type: 'x2' is not a known type (arrest)
      fix: map the category to a type of the model, or add the type to the model config
    the full list: problems.csv
    """
    if len(problems) <= max_lines:
        return [str(p) for p in problems]
    groups = group(problems)
    lines = [f"{len(problems):,} problems of {len(groups)} kind{'s' if len(groups) != 1 else ''}:"]
    tail = [f"the full list: {full_list}"] if full_list else []
    shown = 0
    for g in groups:
        block = [f"{g.count:,} × {g.kind}", f"  e.g. {g.problems[0]}"]
        if g.fix:
            block.append(f"  fix: {g.fix}")
        if len(lines) + len(block) + len(tail) + 1 > max_lines:
            break
        lines += block
        shown += 1
    if shown < len(groups):
        rest = groups[shown:]
        lines.append(f"… and {sum(g.count for g in rest):,} more problems of {len(rest)} other "
                     f"kind{'s' if len(rest) != 1 else ''}")
    return lines + tail


def write_problems(problems: Iterable[Problem], path: Path | str) -> Path:
    """Write every problem as a CSV row (``file, location, field, message``).

    Parameters
    ----------
    problems
        The problems.
    path
        The CSV to write (replaced).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from geo._errors import Problem
    >>> out = write_problems([Problem("a.csv", "row 2", "date", "'x' is not a date")],
    ...                      Path(tempfile.mkdtemp()) / "problems.csv")
    >>> print(out.read_text().strip())
    file,location,field,message
    a.csv,row 2,date,'x' is not a date
    """
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(PROBLEM_COLUMNS)
        for p in problems:
            writer.writerow([_safe(p.file), _safe(p.location), _safe(p.field),
                             _safe(p.message + (f" ({p.option})" if p.option else ""))])
    return path


def _safe(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) else text
