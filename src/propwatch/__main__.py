"""``python -m propwatch`` and the ``propwatch`` command: the CLI, started so that Ctrl-C or SIGTERM
while its modules load (a second or so) stops it with exit status 130 and no traceback."""

from __future__ import annotations

import signal
import sys


def run() -> None:
    # SIGTERM (timeout, docker stop, systemd, a CI limit) stops a run as Ctrl-C does: what was done is
    # said, a partial output file removed. `watch` and `serve` install handlers of their own.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        from propwatch.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted while starting; nothing was done.\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
