"""Ops commands (run by operators and scripts, never by the app): ``python -m leap_uploader.admin``
(:mod:`leap_uploader.cli.admin_commands`)."""
