"""Grab (GrabFood/GrabMart) as the rest of omnikop sees it: its Airflow connection form and its marketplace
receivable."""

from connectors.base.platform_info import ConnectionForm, PlatformInfo, ReceivableAccount

PLATFORM = PlatformInfo(
    name="grab",
    form=ConnectionForm(
        title="GrabFood / GrabMart",
        labels={"host": "API base URL", "login": "Client id", "password": "Client secret"},
        placeholders={"host": "https://partner-api.grab.com/grabfood", "extra": '{"scope": "food.partner_api"}'},
    ),
    receivable=ReceivableAccount("1-1345", "Piutang marketplace – Grab (GrabFood/GrabMart)"),
)
