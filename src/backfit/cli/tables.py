"""Tables that stay readable at any terminal width.

A table is printed as columns when every column gets room enough (a short
column its whole text, a prose column at least ``min_width`` cells); on a
narrower terminal each row becomes a small block of "header: value" lines, so
nothing is squeezed to a word per line and no header is cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

COLUMN_GAP = 3  # cells between two columns (padding 1 on each side and a blank rule)


@dataclass(frozen=True)
class Column:
    """One column: ``wrap`` for prose that may take several lines (never narrower than
    ``min_width`` cells); other columns keep each line of their cells whole."""

    header: str
    wrap: bool = False
    min_width: int = 16
    style: str = ""


def _width(markup: str) -> int:
    return max((Text.from_markup(line).cell_len for line in markup.splitlines()), default=0)


def needed_width(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> int:
    """Cells the table needs to print as columns without squeezing any of them."""
    total = COLUMN_GAP * (len(columns) - 1)
    for index, column in enumerate(columns):
        natural = max([_width(column.header), *(_width(row[index]) for row in rows)])
        total += min(natural, max(column.min_width, _width(column.header))) if column.wrap else natural
    return total


def as_columns(title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(
            column.header,
            no_wrap=not column.wrap,
            min_width=max(column.min_width, _width(column.header)) if column.wrap else None,
            style=column.style or None,
        )
    for row in rows:
        table.add_row(*row)
    return table


def as_blocks(title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Group:
    """Each row as its first cell (bold) and 'header: value' lines with a hanging indent."""
    parts: list[RenderableType] = []
    if title:
        parts.append(Text(title, style="bold italic"))
    label_width = max(_width(c.header) for c in columns[1:]) + 1 if len(columns) > 1 else 0
    for row in rows:
        parts.append(Text(""))
        parts.append(Text.from_markup(f"[bold]{row[0]}[/]"))
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(no_wrap=True, width=label_width, style="dim")
        grid.add_column()
        for column, cell in zip(columns[1:], row[1:], strict=True):
            if cell:
                grid.add_row(f"{column.header}:", cell)
        parts.append(Padding(grid, (0, 0, 0, 3)))
    return Group(*parts)


def records(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], title: str | None = None
) -> RenderableType:
    """The rows as a table when it fits ``console``'s width, else as blocks."""
    if needed_width(columns, rows) <= console.width:
        return as_columns(title, columns, rows)
    return as_blocks(title, columns, rows)
