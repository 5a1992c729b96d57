"""Where profit sharing books (coop_accounting.md §1.9 chart, §1.10 "SHU closing after RAT")."""

from __future__ import annotations

BANK = "1-1200"
# Member savings (§1.6): pokok and wajib are equity on separate accounts so they can also be presented as
# liabilities if the auditor applies IFRIC 2; sukarela is a liability. All three keep a per-member subledger.
SAVINGS_ACCOUNTS: dict[str, str] = {"pokok": "3-1100", "wajib": "3-1200", "sukarela": "2-1300"}
CAPITAL_ACCOUNTS = (SAVINGS_ACCOUNTS["pokok"], SAVINGS_ACCOUNTS["wajib"])  # the JMA capital base
SHU_UNDISTRIBUTED = "3-1600"
RESERVE_ACCOUNT = "3-1500"
MEMBER_SHU_PAYABLE = "2-1510"
# Each SHU component's destination once the RAT has decided.
COMPONENT_ACCOUNTS: dict[str, str] = {
    "cadangan": RESERVE_ACCOUNT,
    "jasa_usaha": MEMBER_SHU_PAYABLE,
    "jasa_modal": MEMBER_SHU_PAYABLE,
    "pengurus": "2-1520",
    "karyawan": "2-1530",
    "pendidikan": "2-1540",
    "sosial": "2-1550",
    "pembangunan_daerah": "2-1560",
}
# Line tags that make up a member's transaction volume (design §5); written by ``core_mapping.rules``
# (``TAG_VOLUME``/``TAG_REFUND``/``TAG_REFUND_SHARED``; a test keeps the two in step).
# Volume = credits − debits over these lines.
VOLUME_TAGS = ("member_volume", "member_refund", "member_refund_shared")
SHU_MEMBER_TAG = "shu_member"
SAVINGS_TAG = "savings"
# source_type of the year-end closing entry (revenue and expense accounts into 3-1600); the income statement
# leaves these entries out, so the year's surplus reads the same before and after the books are closed.
SHU_CLOSE_SOURCE = "shu_close"
SHU_DISTRIBUTION_SOURCE = "shu_distribution"
