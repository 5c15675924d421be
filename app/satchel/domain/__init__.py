"""Plain data and the error family: no Qt, no HTTP."""
