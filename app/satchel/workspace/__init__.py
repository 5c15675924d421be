"""The one door from an account to a signed-in provider, for the window and the command
line alike: the account list, secrets, one provider per account. No Qt."""

from satchel.workspace.space import Workspace

__all__ = ["Workspace"]
