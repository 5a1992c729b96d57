"""WhatsApp Business (Cloud API) as the rest of omnikop sees it: its Airflow connection form and the clearing
account its transfer and QRIS payments wait in until the bank import matches them.

A WhatsApp catalog shop has no partner settlement: the buyer pays the cooperative directly. Like the store's
till (``connectors/store/platform.py``, 1-1305), a confirmed payment in cash goes to 1-1100 Kas
(``core_mapping.policy.settlement_account``); QRIS and transfers to this channel's own clearing account. It is a
separate account from the store's because the registry gives each platform its own (two platforms claiming one
receivable are refused), and because finance clears the two channels against different bank references.
"""

from connectors.base.platform_info import ConnectionForm, PlatformInfo, ReceivableAccount

PLATFORM = PlatformInfo(
    name="whatsapp",
    form=ConnectionForm(
        title="WhatsApp Business (Cloud API)",
        labels={"host": "Graph API base URL (unused: orders are pushed)", "login": "App id", "password": "App secret"},
        placeholders={
            "host": "https://graph.facebook.com",
            "extra": '{"verify_token": "...", "waba_id": "..."}',
        },
    ),
    receivable=ReceivableAccount("1-1306", "Kliring QRIS/transfer WhatsApp"),
)
