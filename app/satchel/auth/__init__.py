"""Accounts, secrets and sign-in flows. No widgets."""
