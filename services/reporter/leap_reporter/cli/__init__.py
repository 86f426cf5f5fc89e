"""Operations commands, each run as ``python -m leap_reporter.cli.<name>``: ``rebuild`` (the read model again from the
topics) and ``extract`` (the evaluation partner's pseudonymised extract)."""
