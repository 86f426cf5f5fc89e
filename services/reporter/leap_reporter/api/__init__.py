"""The JSON API (/api/v1): thin routes over the service layer, with their dependencies (``deps``, ``filters``)."""
