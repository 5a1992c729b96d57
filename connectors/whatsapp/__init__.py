"""WhatsApp Business (Cloud API) catalog orders: webhooks in, operator or bank payment confirmations."""
