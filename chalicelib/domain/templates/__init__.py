"""The built-in workflow templates, as data. Each module declares one template version."""

from __future__ import annotations

from chalicelib.domain.templates.lease import LEASE_V1
from chalicelib.domain.templates.listing import LISTING_V1
from chalicelib.domain.templates.maintenance import MAINTENANCE_V1
from chalicelib.domain.templates.purchase import PURCHASE_V1

BUILTIN = (PURCHASE_V1, LISTING_V1, LEASE_V1, MAINTENANCE_V1)
