"""What a service's plans allow, where Satchel must know it before asking.

Trello takes files up to 10 MB on a free workspace and 250 MB on a paid one
(Atlassian's support pages; PROTOCOLS.md §1). Its API does not say which plan a
board's workspace is on, so the limit is an account setting.
"""

from __future__ import annotations

TRELLO_FREE_UPLOAD_LIMIT = 10 * 1000 * 1000
TRELLO_PAID_UPLOAD_LIMIT = 250 * 1000 * 1000
TRELLO_DEFAULT_UPLOAD_LIMIT = TRELLO_PAID_UPLOAD_LIMIT
#: The plans by the words a person uses for them.
TRELLO_PLANS = {"free": TRELLO_FREE_UPLOAD_LIMIT, "paid": TRELLO_PAID_UPLOAD_LIMIT}
