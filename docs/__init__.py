"""The rule documentation (rules.md), installed so that diagnostics can link to it. A regular package so that editable installs find it."""
