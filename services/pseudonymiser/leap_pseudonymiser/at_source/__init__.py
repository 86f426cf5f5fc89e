"""The at-source tool (``leap-pseudonymise``): a provider file in, a pseudonymised file and manifest out.

Needs only ``leap-contracts``, typer, rich and python-calamine (the package's base
install); nothing here imports the service's runtime dependencies.
"""
