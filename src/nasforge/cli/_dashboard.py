"""``nasforge dashboard``: serve the live dashboard of a storage on 127.0.0.1."""

from __future__ import annotations

from typing import Annotated

import typer

from nasforge.cli._options import DEFAULT_STORAGE, StorageOpt
from nasforge.cli._support import cli_errors, console


def dashboard(
    storage: StorageOpt = DEFAULT_STORAGE,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8050,
) -> None:
    """Serve a live page of the storage's studies on 127.0.0.1: the trial table and plots update as trials finish;
    finished studies can be viewed any time. Read-only; stop with Ctrl+C."""
    from nasforge.dashboard import serve
    from nasforge.exceptions import ValidationError

    with cli_errors():
        if not 0 <= port <= 65535:
            raise ValidationError(f"The '--port' option must be an int in 0 .. 65535. Got {port} instead.")
        try:
            server = serve(storage, port=port)
        except OSError as exc:
            raise ValidationError(f"The '--port' option {port} cannot be used: {exc.strerror}.") from None
        bound = server.server_address[1]
        console.print(f"nasforge dashboard of {storage} on http://127.0.0.1:{bound}/ (Ctrl+C to stop)", markup=False,
                      soft_wrap=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
