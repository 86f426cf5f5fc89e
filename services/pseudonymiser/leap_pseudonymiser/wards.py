"""``python -m leap_pseudonymiser.wards``, as the local and Compose set-ups (``tools/leap_tools``) still run it: the
ops command ``leap_pseudonymiser.cli.load_wards``. Goes once they run that instead."""

from leap_pseudonymiser.cli.load_wards import main

if __name__ == "__main__":
    main()
