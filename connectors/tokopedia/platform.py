"""Tokopedia / TikTok Shop as the rest of omnikop sees it: its Airflow connection form (one form for both
flavors) and its marketplace receivable."""

from connectors.base.platform_info import ConnectionForm, PlatformInfo, ReceivableAccount

PLATFORM = PlatformInfo(
    name="tokopedia",
    form=ConnectionForm(
        title="Tokopedia / TikTok Shop",
        labels={"host": "API base URL", "login": "App key / client id", "password": "App secret / client secret"},
        placeholders={
            "host": "https://open-api.tiktokglobalshop.com",
            "extra": '{"flavor": "tiktok", "refresh_token": "..."}  or  {"flavor": "legacy", "fs_id": "..."}',
        },
    ),
    receivable=ReceivableAccount("1-1320", "Piutang marketplace – Tokopedia/TikTok Shop"),
)
