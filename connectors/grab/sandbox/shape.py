"""Grab's part of the sandbox world: a GrabFood and a GrabMart merchant (``1-CYNGRUNGSBCCC…`` ids), food
delivery times, commission only; order ids keep the default ``<shop digit>-YYMMDD…`` form."""

from __future__ import annotations

from connectors.base.sandbox.shape import WorldShape


class GrabWorld(WorldShape):
    fee_schedule = {"COMMISSION": 2500}
    flavors = ("food", "mart")
    food = True

    def shop_ref(self, platform: str, p_index: int, s_index: int) -> str:
        return f"1-CYNGRUNGSBCCC{s_index + 1}"
