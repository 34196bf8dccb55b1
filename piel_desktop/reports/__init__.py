"""PDF briefs made with ReportLab platypus."""

#: Languages a brief can be made in (each needs its phrases in the catalog and fonts for
#: its script). Here, not in brief.py, so the command line can name them without
#: importing ReportLab.
BRIEF_LANGUAGES: tuple[str, ...] = ("ar", "en", "es", "fr", "ru", "zh")
