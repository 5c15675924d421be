"""The bearer dialect (`/api/v1`): Satchel's own REST API with API keys."""
