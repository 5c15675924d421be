"""Moving bytes to and from a storage host with presigned permissions.

Form uploads, downloads to file, and links that know when they die. Knows no
service dialect: it never imports `satchel.providers`, and is handed a clean
HTTP client (no credentials) by whoever calls it.
"""
