"""Write docs/cli.md from the commands' own help (tests/test_docs.py checks that the file is up to date).

    python docs/make_cli_reference.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from nasforge.cli import app

TARGET = Path(__file__).parent / "cli.md"


def reference() -> str:
    runner = CliRunner()
    group = get_command(app)
    names = list(group.commands)  # type: ignore[attr-defined]
    parts = ["# Command-line reference", "",
             "Generated from `nasforge COMMAND --help` by `python docs/make_cli_reference.py`. Every command exits "
             "with code 2 and one line on stderr for bad input.", ""]
    for name in names:
        result = runner.invoke(app, [name, "--help"], prog_name="nasforge",
                               env={"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb",
                                    "NASFORGE_STORAGE": None})  # the help names the default in force
        text = re.sub(r"[ \t]+$", "", result.output, flags=re.M).strip()
        parts += [f"## nasforge {name}", "", "```text", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(reference())
    sys.stdout.write(f"wrote {TARGET}\n")
