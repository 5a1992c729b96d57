"""TikTok Shop Partner API flavor of the Tokopedia connector: client, errors, streams, parse, sandbox."""
