from __future__ import annotations

from typing import Any

from tests.support.iam.plugin import records_dir


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The schemathesis figures, where `make test` shows them (also under -q): the test, in whichever
    xdist worker ran it, wrote them to the run's shared folder."""
    if hasattr(terminalreporter.config, "workerinput"):
        return
    from tests.contract.test_schemathesis import FIGURES_FILE

    figures = records_dir() / FIGURES_FILE
    if figures.exists():
        for line in figures.read_text().splitlines():
            terminalreporter.write_line(line)
