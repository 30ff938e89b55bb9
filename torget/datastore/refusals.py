"""Why the datastore refuses a read or a write: typed errors with a stable `code` and `params`.

Each refusal is a subclass of the catalogue's own error types (`torget.errors`), so every shell
maps it as it maps any other: a bad parameter is a `ValidationFailed` naming the parameter as
its field (422 in the JSON API, CKAN's "Validation Error"), a missing table a `NotFound`, a
version replaced during a write a `Conflict`. DuckDB's own exceptions never leave the
datastore package: `access` and `writes` turn the ones a caller can cause into these.

Codes (`params` in brackets):
- `bad_parameter` [parameter]: a value that is not what the parameter takes.
- `unknown_column` [parameter, column, columns]: no such column in the table.
- `value_does_not_fit` [parameter, column, type, value]: a filter, cursor or record
  value that the column's type cannot hold (`many` for a BIGINT, `2024-13-45` for a DATE).
- `not_a_measure` [function, column, type]: `sum` or `avg` of a column that is not a
  number. Not a `ValidationFailed`: the JSON API answers it with 400 (issue 19).
- `no_table` [distribution, table]: the distribution has no loaded table, or not one
  of that name.
- `no_record` [record, key]: an update's record matches no row by the key.
- `table_changed` [distribution]: the table was replaced while it was read, or while
  a write was built on it (on every try).
"""

from __future__ import annotations

from torget.errors import Conflict, FieldError, NotFound, TorgetError, ValidationFailed

__all__ = [
    "BadParameter",
    "UnknownColumn",
    "ValueDoesNotFit",
    "NotAMeasure",
    "NoTable",
    "NoRecord",
    "TableChanged",
    "NUMBER_TYPES",
    "is_number",
]

NUMBER_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL",
)  # fmt: skip


def is_number(kind: str) -> bool:
    """Whether a column of this DuckDB type holds numbers (`DECIMAL(18,3)` included)."""
    return kind.upper().split("(", 1)[0] in NUMBER_TYPES


class BadParameter(ValidationFailed):
    """A parameter the table cannot answer; the field is the parameter's name."""

    code = "bad_parameter"

    def __init__(self, parameter: str, message: str, **params: object) -> None:
        named = {"parameter": parameter, **params}
        texts = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v)
                 for k, v in named.items()}  # fmt: skip
        super().__init__([FieldError(parameter, message, code=self.code, params=texts)])
        self.params: dict[str, object] = named


class UnknownColumn(BadParameter):
    code = "unknown_column"

    def __init__(self, parameter: str, column: str, columns: list[str]) -> None:
        message = f"no column {column!r}; columns: {', '.join(columns)}"
        super().__init__(parameter, message, column=column, columns=columns)


class ValueDoesNotFit(BadParameter):
    code = "value_does_not_fit"

    def __init__(self, parameter: str, column: str, kind: str, value: object) -> None:
        message = f"{value!r} does not fit the column {column!r} ({kind})"
        super().__init__(parameter, message, column=column, type=kind, value=value)


class NotAMeasure(TorgetError):
    code = "not_a_measure"

    def __init__(self, function: str, column: str, kind: str) -> None:
        super().__init__(
            f"{function}: the column {column!r} holds {kind}, not numbers; "
            f"{function} needs a number column (min and max take any column)"
        )
        self.params: dict[str, object] = {"function": function, "column": column, "type": kind}


class NoTable(NotFound):
    code = "no_table"

    def __init__(self, distribution: str, table: str | None = None) -> None:
        if table is None:
            message = f"distribution {distribution!r} has no loaded table (yet)"
        else:
            message = f"distribution {distribution!r} has no table {table!r}"
        super().__init__(message)
        self.params: dict[str, object] = {"distribution": distribution, "table": table}


class NoRecord(NotFound):
    code = "no_record"

    def __init__(self, record: int, key: list[str]) -> None:
        super().__init__(
            f"record {record} matches no row by {', '.join(key)}; update changes existing rows "
            "only (upsert adds the others)"
        )
        self.params: dict[str, object] = {"record": record, "key": key}


class TableChanged(Conflict):
    code = "table_changed"

    def __init__(self, distribution: str) -> None:
        super().__init__(
            f"the table of distribution {distribution!r} was replaced meanwhile; try again"
        )
        self.params: dict[str, object] = {"distribution": distribution}
