"""Calendar feeds of live sessions (RFC 5545 .ics files). To be built out: issue 5."""

from __future__ import annotations

from generator.model import Catalog
from generator.pages import Site


def calendar_files(catalog: Catalog, site: Site) -> dict[str, bytes]:
    """Site-relative URL -> .ics bytes, for every session, village and the whole site."""
    return {}
