"""The matcher service: pseudonymised records in, unique individuals out."""
