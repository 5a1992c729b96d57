"""What each sandbox channel shows buyers: the quantity the seller's last stock push set, minus what buyers
ordered since. A buyer cannot order more than the channel shows (``OutOfStock``); a repeated push sets the
quantity again, it never adds to it (Shopee ``update_stock`` and TikTok ``inventory/update`` take absolute
quantities: marketplace_apis.md §1.7, §3.7)."""

from __future__ import annotations

import threading

ListingKey = tuple[str, str, str]  # (platform, shop_ref, sku_ref)


class OutOfStock(Exception):
    """The buyer asked for more than the channel shows."""


class Listings:
    def __init__(self) -> None:
        self._shown: dict[ListingKey, int] = {}
        self._lock = threading.Lock()
        self.sets = 0  # how many quantities pushes have set (for tests and the benchmark)

    def set(self, platform: str, shop_ref: str, sku_ref: str, quantity: int) -> None:
        with self._lock:
            self._shown[(platform, shop_ref, sku_ref)] = quantity
            self.sets += 1

    def shown(self, platform: str, shop_ref: str, sku_ref: str) -> int | None:
        """The quantity on the listing, or None when no push has set one (the world's own level applies)."""
        return self._shown.get((platform, shop_ref, sku_ref))

    def take(self, platform: str, shop_ref: str, sku_ref: str, quantity: int) -> None:
        with self._lock:
            key = (platform, shop_ref, sku_ref)
            shown = self._shown.get(key)
            if shown is not None:
                if quantity > shown:
                    raise OutOfStock(f"{platform}:{shop_ref} shows {shown} of {sku_ref}; cannot order {quantity}")
                self._shown[key] = shown - quantity

    def snapshot(self) -> dict[str, int]:
        return {":".join(key): quantity for key, quantity in sorted(self._shown.items())}
