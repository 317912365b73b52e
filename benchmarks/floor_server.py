"""The start-up floor: a language server that only imports pygls and lsprotocol and answers `initialize`.

`benchmarks/run.py` spawns it next to gemini-lsp and the incumbent and times spawn → `initialize` answer for each, so
the cost of our own start-up is read against what any pygls server pays on the same machine in the same run.
"""

from lsprotocol import types  # noqa: F401  (the import is the point: it is part of the floor)
from pygls.lsp.server import LanguageServer

if __name__ == "__main__":
    LanguageServer("floor", "0").start_io()
