"""`python -m gemini_lsp ...` is the `gemini-lsp` command."""

import sys

from .cli import main

sys.exit(main())
