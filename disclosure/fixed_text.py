"""Fixed text: wording a prescribed format puts into an item, which the sensitive-word scan skips.

The annual report's tables (国办公开办函〔2021〕30号) have rows such as 属于国家秘密 and
属于三类内部事务信息: the words 秘密 and 内部 there are the format's, on every report, and
nothing a reviewer could change. An app that generates such items registers a provider
(in its `AppConfig.ready()`), so this app never imports it:

    register_fixed_text("annual", annual_fixed_text)

    def annual_fixed_text(item: Item) -> Iterable[str]: ...  # the phrases, or nothing

Only sensitive words inside an exact occurrence of a phrase are skipped; the same word
anywhere else in the item (the narrative staff write) is still found, and personal data
is never skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

FixedTextProvider = Callable[..., Iterable[str]]
_PROVIDERS: dict[str, FixedTextProvider] = {}


def register_fixed_text(name: str, provider: FixedTextProvider) -> FixedTextProvider:
    _PROVIDERS[name] = provider
    return provider


def fixed_text_of(item) -> list[str]:
    """Every phrase the registered providers prescribe for `item`."""
    phrases: list[str] = []
    for provider in _PROVIDERS.values():
        phrases.extend(provider(item))
    return phrases
