"""agilemarketing-csv: CSV in and out of agilemarketing.

Read Jira CSV exports (:func:`read_jira_csv`), any tool's CSV through a :class:`ColumnMapping`
(:func:`read_items_csv`) and history CSVs with one row per status change
(:func:`read_history_csv`); write backlogs, metric tables and histories atomically and safe to
open in a spreadsheet. The :class:`~agilemarketing_csv.adapter.CsvAdapter` plugs all of this
into agilemarketing's sync as the ``csv`` adapter. Its errors (:class:`CsvError`,
:class:`CsvFileError`, :class:`CsvRowError`) name file, row and column.
"""

from agilemarketing_csv.adapter import CsvAdapter, JiraCsvAdapter
from agilemarketing_csv.backlog import read_backlog_csv, write_backlog_csv
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.errors import CsvError, CsvFileError, CsvRowError
from agilemarketing_csv.history import (
    read_history_csv,
    read_history_records_csv,
    write_history_csv,
)
from agilemarketing_csv.mapping import (
    ColumnMapping,
    read_items_csv,
    read_jira_csv,
    read_records_csv,
)
from agilemarketing_csv.records import CsvRecords, Header
from agilemarketing_csv.table import read_table_csv, write_table_csv
from agilemarketing_csv.writing import atomic_csv, neutralise_formula, restore_formula

__all__ = [
    "ColumnMapping",
    "CsvAdapter",
    "CsvDialect",
    "CsvError",
    "CsvFileError",
    "CsvRecords",
    "CsvRowError",
    "Header",
    "JiraCsvAdapter",
    "atomic_csv",
    "neutralise_formula",
    "read_backlog_csv",
    "read_history_csv",
    "read_history_records_csv",
    "read_items_csv",
    "read_jira_csv",
    "read_records_csv",
    "read_table_csv",
    "restore_formula",
    "write_backlog_csv",
    "write_history_csv",
    "write_table_csv",
]
