"""WhatsApp Cloud API sandbox: signed ``messages`` webhooks (orders, texts, statuses) rendered from the
deterministic world, with duplicates, shuffling and forged signatures on demand, and the world's payments for
the operator's confirmations. Serve it with ``omnikop sandbox serve --platform whatsapp``."""

from connectors.whatsapp.sandbox.app import WhatsappSandbox

SANDBOX = WhatsappSandbox
__all__ = ["SANDBOX", "WhatsappSandbox"]
