"""Available to sell and each channel's share: pure arithmetic on whole units, no I/O.

available = on hand − reserved − safety buffer, never below 0. When orders already accepted need more than
is on hand (two channels sold the last unit in the same minute), the shortfall is *oversold*: reported as
an exception for ops, never hidden by a negative availability that a platform would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from foundation.config import ChannelAllocation


@dataclass(frozen=True, slots=True)
class Position:
    """One product at one location."""

    product_ref: str
    location: str
    on_hand: int
    reserved: int
    buffer: int = 0

    @property
    def available(self) -> int:
        return max(0, self.on_hand - self.reserved - self.buffer)

    @property
    def oversold(self) -> int:
        """Units promised to buyers beyond what is on hand."""
        return max(0, self.reserved - max(self.on_hand, 0))


def channel_quantity(available: int, rule: ChannelAllocation) -> int:
    """What one channel is offered of ``available`` units under its allocation rule."""
    if available <= 0 or rule.rule == "none":
        return 0
    if rule.rule == "percentage":
        return available * rule.value // 100
    if rule.rule == "fixed":
        return min(rule.value, available)
    return available
