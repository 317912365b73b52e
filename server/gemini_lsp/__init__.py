"""gemini-lsp: language server and linter for Gemini API request files."""

__version__ = "0.1.0"
