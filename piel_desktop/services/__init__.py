"""Use cases: one function per user action, keyword arguments, one transaction each.

The window and the command line call these; neither touches the database directly.
"""
