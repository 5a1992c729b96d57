"""One stock across every channel: the stock master (on hand from the unit ledger), what is reserved by
orders not yet shipped, available to sell, each channel's share, and pushing it to the platforms."""
