"""The Trello dialect (`/1`): Trello's REST API, key and token, and its files host."""
