"""Use cases: one function per user action, keyword arguments, one transaction each.

The window and the command line call these; neither touches the database directly.
"""

#: Record kinds that can be written as tables (services/tables.py). Here so that the
#: command line can offer them without importing the database layer.
TABLE_KINDS = ("meetings", "outcomes", "efforts", "practices", "consultations", "organisations",
               "documents")

#: The file name ending of packages (services/sync/package_format.py).
PACKAGE_SUFFIX = ".pielpkg"
