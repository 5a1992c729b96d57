"""The cooperative's members as an admin sees them: the member register from and to CSV (with opening savings)
and the member statement (sales, fees and SHU per channel).

Dependencies point one way: ``members → (core_mapping, shu, ledger, foundation)``; the CLI and the demo use it.
"""
