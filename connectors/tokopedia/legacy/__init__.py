"""Legacy Tokopedia fs API flavor (shops not yet migrated): client, errors, streams, parse, deductions, sandbox."""
