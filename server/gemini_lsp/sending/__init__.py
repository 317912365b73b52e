"""Sending a request file to the Gemini API (only when the user asks) and explaining the answer.

Small pure modules (`endpoint`, `credentials`, `retry`, `sse`, `errors`, `mapping`, `sanitize`) and one that does
I/O (`transport`). Nothing here imports pygls; the CLI (`send_cli`) and the language server share it.
"""
