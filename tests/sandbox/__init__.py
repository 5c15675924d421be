"""The local service, tested from outside: real HTTP, real SeaweedFS."""
