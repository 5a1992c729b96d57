"""Shopee as the rest of omnikop sees it: its Airflow connection form and its marketplace receivable."""

from connectors.base.platform_info import ConnectionForm, PlatformInfo, ReceivableAccount

PLATFORM = PlatformInfo(
    name="shopee",
    form=ConnectionForm(
        title="Shopee Open Platform v2",
        labels={"host": "API base URL", "login": "Partner ID", "password": "Partner key"},
        placeholders={
            "host": "https://partner.shopeemobile.com",
            "extra": '{"refresh_token": "<from the shop authorisation>"}  or  {"code": "<authorisation code>"}',
        },
    ),
    receivable=ReceivableAccount("1-1310", "Piutang marketplace – Shopee"),
)
