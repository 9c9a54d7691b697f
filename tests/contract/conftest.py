from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The schemathesis figures, where `make test` shows them (also under -q)."""
    from tests.contract.test_schemathesis import FIGURES

    for figures in FIGURES:
        terminalreporter.write_line(figures.line())
