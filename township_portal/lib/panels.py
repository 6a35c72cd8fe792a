"""Panels that higher apps add to the staff home and the county board.

The staff home (admin index, built by `disclosure`) and the county office's board
(`reports`) show lists owned by apps above them — applications due soon, mailbox
messages past the three-month line. An app registers a provider once, in its
`AppConfig.ready()`:

    register_panels("staff_home", applications_panels)
    register_panels("county_board", applications_board_panels)

A provider is called with the user and today's date and returns a list of `Panel`s
(each computed in a fixed number of queries). Pages call `panels_for(place, user, today)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

PLACES = ("staff_home", "county_board")


@dataclass
class PanelRow:
    text: str
    url: str = ""
    detail: str = ""


@dataclass
class Panel:
    title: str
    rows: list[PanelRow] = field(default_factory=list)
    total: int = 0
    empty: str = ""
    link: str = ""  # a page with the whole list, when there is one
    warning: str = ""  # shown above the rows when something needs attention


Provider = Callable[..., list[Panel]]
_PROVIDERS: dict[str, list[Provider]] = {place: [] for place in PLACES}


def register_panels(place: str, provider: Provider) -> Provider:
    if place not in _PROVIDERS:
        raise ValueError(f"unknown panel place {place!r}")
    if provider not in _PROVIDERS[place]:
        _PROVIDERS[place].append(provider)
    return provider


def panels_for(place: str, user, today: date) -> list[Panel]:
    panels: list[Panel] = []
    for provider in _PROVIDERS[place]:
        panels.extend(provider(user=user, today=today))
    return panels
