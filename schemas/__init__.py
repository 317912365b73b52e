"""Data files of gemini-lsp (read with importlib.resources). A regular package so that editable installs find it."""
