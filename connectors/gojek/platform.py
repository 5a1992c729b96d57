"""GoBiz (GoFood/GoMart) as the rest of omnikop sees it: its Airflow connection form and its marketplace
receivable."""

from connectors.base.platform_info import ConnectionForm, PlatformInfo, ReceivableAccount

PLATFORM = PlatformInfo(
    name="gojek",
    form=ConnectionForm(
        title="GoBiz (GoFood/GoMart)",
        labels={"host": "API base URL", "login": "Client id", "password": "Client secret"},
        placeholders={"host": "https://api.gobiz.co.id", "extra": '{"notification_secret": "...", "outlet_id": "..."}'},
    ),
    receivable=ReceivableAccount("1-1340", "Piutang marketplace – GoBiz (GoFood/GoMart)"),
)
