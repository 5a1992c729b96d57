"""Member-level profit sharing (SHU): savings, year-end SHU computation, approval and posting.

The heart of a koperasi (coop_accounting.md §1.2-1.7): the year's surplus after tax is split into pools by the
AD/ART's basis points, and the member pools are returned to members in proportion to their business with the
cooperative (JUA) and their capital (JMA). Everything is exact integer rupiah; the computation is reproducible
from a frozen input snapshot whose hash the approver signs off, and nothing is posted before that approval.

Dependencies point one way: ``shu → ledger`` (and ``foundation.config``); ``members`` and the CLI/DAGs use it.
"""
