"""The `cbam` command line: the platform's admin and batch interface.

Each capability registers its commands in its own module under `cli/`; this file only assembles them.
"""
from __future__ import annotations

import typer

from cli import (
    access_log,
    admin,
    assistant,
    breaches,
    data_import,
    engine,
    exports,
    privacy,
    records,
    results,
    retention,
    review,
    template,
)

app = typer.Typer(
    name="cbam",
    help="CBAM compliance platform: administration and batch commands.",
    no_args_is_help=True,
    add_completion=False,
)
admin.register(app)
engine.register(app)
template.register(app)
data_import.register(app)
exports.register(app)
review.register(app)
privacy.register(app)
breaches.register(app)
records.register(app)
assistant.register(app)
retention.register(app)
results.register(app)
access_log.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
