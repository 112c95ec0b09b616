"""plugin_api layer."""
