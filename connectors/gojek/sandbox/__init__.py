"""GoBiz Open API sandbox: OAuth (Basic client credentials, 3599 s tokens), outlet and catalog endpoints, a
webhook emitter signing ``X-Go-Signature`` over the raw body, and settlement report files (CSV/XLSX), all
rendered from the deterministic world. Serve it with ``omnikop sandbox serve --platform gojek``."""

from connectors.gojek.sandbox.app import GojekSandbox

SANDBOX = GojekSandbox
__all__ = ["SANDBOX", "GojekSandbox"]
