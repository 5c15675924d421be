"""The Productive dialect (`/api/v2`): JSON:API, the four-step S3 upload, its files host."""
