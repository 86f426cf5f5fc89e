"""The matcher's pages: the tolerant linkage review queue."""
