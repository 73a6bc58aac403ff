"""Index-token paging, as the emulator's handlers answer a listing that moto answers all at once.

The token is the index of the next page's first item (a string, as AWS tokens are opaque strings); a token that
is not one, or points past the end, is refused with the service's own error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def index_page(
    items: Sequence[Any], token: str | None, size: int, invalid: Callable[[str], Exception]
) -> tuple[list[Any], str | None]:
    """``(page, next_token)``: at most ``size`` of ``items`` from ``token`` on; ``next_token`` is None at the end.

    ``invalid(token)`` builds the service's error for a bad token (raised, never returned).
    """
    try:
        start = int(token) if token else 0
    except ValueError:
        raise invalid(token or "") from None
    if not 0 <= start <= len(items):
        raise invalid(token or "")
    end = start + size
    return list(items[start:end]), (str(end) if end < len(items) else None)
