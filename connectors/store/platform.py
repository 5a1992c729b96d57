"""The store (gerai) as the rest of omnikop sees it: its (credential-less) connection form and the clearing
account its QRIS and transfer takings wait in until the bank import matches them. Cash goes to 1-1100 Kas
(``core_mapping.policy.settlement_account``), with the outlet as the shop dimension."""

from connectors.base.platform_info import ConnectionForm, PlatformInfo, ReceivableAccount

PLATFORM = PlatformInfo(
    name="store",
    form=ConnectionForm(
        title="Store (gerai, POS export)",
        labels={"host": "unused (no API)", "login": "Outlet id", "password": "unused"},
        placeholders={"host": "(none: sales arrive as POS export files)", "login": "GERAI-01"},
    ),
    receivable=ReceivableAccount("1-1305", "Kliring QRIS/transfer gerai"),
)
