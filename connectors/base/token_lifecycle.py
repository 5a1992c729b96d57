"""The one token lifecycle every platform client uses: a usable access token for each signed attempt, and one
refresh after the platform rejected it.

How a pair is renewed (refresh token, authorisation code, client-credentials grant) and when a stored pair is
usable (a margin before expiry; legacy Tokopedia none) differ by platform and are passed in; the lifecycle is
the same: ask ``TokenStore.obtain`` (which serialises renewals per shop, so a single-use refresh token is spent
once) and keep the pair for the next attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from connectors.base.tokens import Renew, TokenPair, TokenStore

Usable = Callable[[TokenPair, datetime], bool]


def with_margin(pair: TokenPair, now: datetime) -> bool:
    """Usable while more than a minute of its life is left (``TokenPair.usable_at``)."""
    return pair.usable_at(now)


def any_pair(pair: TokenPair) -> bool:
    return True


class TokenLifecycle:
    """``access_token`` goes to the signer (called per attempt); ``refresh_after_rejection`` to ``HttpClient``.

    ``ours(pair)``: whether a stored pair was obtained with this client's credentials (a rotated secret must not
    ride on a token granted to the old one); a pair that is not ours is renewed, never used."""

    def __init__(
        self,
        tokens: TokenStore,
        renew: Renew,
        usable: Usable = with_margin,
        ours: Callable[[TokenPair], bool] = any_pair,
    ) -> None:
        self.tokens, self.renew, self.usable, self.ours = tokens, renew, usable, ours
        self.pair: TokenPair | None = None

    def access_token(self) -> str:
        now = datetime.now(UTC)
        if self.pair is None or not self.usable(self.pair, now):
            self.pair = self.tokens.obtain(lambda pair: self.ours(pair) and self.usable(pair, now), self.renew)
        return self.pair.access_token

    def refresh_after_rejection(self) -> None:
        """The platform refused our token (expired early, revoked): renew once, unless another worker already did."""
        failed = self.pair.access_token if self.pair else None
        self.pair = self.tokens.obtain(lambda pair: self.ours(pair) and pair.access_token != failed, self.renew)
