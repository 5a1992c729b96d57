"""The sync pipeline: pull a shop, land its pages, map them (``core_mapping``) and post the result (``ledger``);
and replay of quarantined records once their cause is fixed.

Dependencies point one way: ``sync → (core_mapping, ledger, connectors.base, foundation)``; the CLI and the DAGs
call it. Replay builds on the pipeline's posting step, never the other way round.
"""
