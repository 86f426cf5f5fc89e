"""The uploader service: providers' files in, validated records out (restricted zone)."""
