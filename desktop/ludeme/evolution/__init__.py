"""evolution layer."""
