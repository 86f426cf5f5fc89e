"""``python -m leap_uploader.admin``: the ops command for providers, tokens, outcome access and users
(:mod:`leap_uploader.cli.admin_commands`), under the name operators, scripts and the docs use."""

import sys

from leap_uploader.cli.admin_commands import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
