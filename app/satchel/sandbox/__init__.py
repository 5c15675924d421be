"""The local service: Satchel's dialects over one store and a real S3 (SeaweedFS).

Never imported by the app, except to start it in demo mode.
"""
