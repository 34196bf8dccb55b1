"""PDF briefs made with ReportLab platypus."""
