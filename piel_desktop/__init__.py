"""PIeL Desktop: offline records manager for the ITU Council Working Group on Child
Online Protection (CWG-COP, in Spanish GTC-PIeL)."""

__version__ = "0.1.0"

APP_NAME = "PIeL Desktop"
APP_ID = "piel-desktop"
