"""A caseworker's cases, over the store: batches, packets, evidence intake, applications from
a screening, deadline rules on each transition, and the demo seed."""

from __future__ import annotations

from formfill.cases.apply import (
    open_application,
)
from formfill.cases.batch import (
    plan,
    status,
)
from formfill.cases.deadlines import (
    advance_application,
)
from formfill.cases.packet import (
    batch_zip,
    client_packet,
)

__all__ = [
    "advance_application",
    "batch_zip",
    "client_packet",
    "open_application",
    "plan",
    "status",
]
