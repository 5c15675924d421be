"""One module per service dialect, all behind the interface in `base`."""
