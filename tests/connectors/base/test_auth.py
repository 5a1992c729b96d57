"""Reusable Bearer/Basic auth and the ``AuthSigner`` that puts them on the wire (``connectors/base/auth.py``)."""

from __future__ import annotations

import requests

from connectors.base.auth import AuthSigner, BearerTokenAuth, HttpBasicAuth, NoAuth, WireFormat
from connectors.base.http import Call


def test_bearer_asks_for_the_token_on_every_attempt():
    tokens = iter(["first", "renewed"])
    auth = BearerTokenAuth(lambda: next(tokens))
    assert auth.headers() == {"Authorization": "Bearer first"}
    assert auth.headers() == {"Authorization": "Bearer renewed"}


def test_basic_is_base64_of_username_colon_password():
    # RFC 7617 §2's example: Aladdin / open sesame.
    assert HttpBasicAuth("Aladdin", "open sesame").headers() == {"Authorization": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}


def test_a_call_without_a_body_sends_no_body_and_no_content_type():
    signer = AuthSigner("https://api.example/", BearerTokenAuth(lambda: "t"), WireFormat(headers={"Accept": "a/b"}))
    signed = signer.sign(Call("GET", "/v1/orders", {"page": 2}), 0)
    assert signed.url == "https://api.example/v1/orders" and signed.params == {"page": 2}
    assert signed.headers == {"Accept": "a/b", "Authorization": "Bearer t"} and signed.body is None


def test_a_json_body_goes_with_its_content_type_after_the_credentials():
    signed = AuthSigner("https://api.example", NoAuth()).sign(Call("POST", "/v1/x", json={"b": 1, "a": 2}), 0)
    assert signed.body == b'{"b": 1, "a": 2}'
    assert list(signed.headers.items()) == [("Content-Type", "application/json")]


def test_the_wire_format_decides_query_text_and_body_bytes():
    wire = WireFormat(
        content_type="application/x-www-form-urlencoded",
        body=lambda form: b"grant_type=client_credentials",
        query=lambda params: {key: str(value).lower() for key, value in params.items()},
    )
    signed = AuthSigner("https://auth.example", HttpBasicAuth("id", "secret"), wire).sign(
        Call("POST", "/oauth2/token", {"debug": True}), 0
    )
    prepared = requests.Session().prepare_request(
        requests.Request("POST", signed.url, params=signed.params, headers=dict(signed.headers), data=signed.body)
    )
    assert prepared.url == "https://auth.example/oauth2/token?debug=true"
    assert prepared.body == b"grant_type=client_credentials"
    assert prepared.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert prepared.headers["Authorization"].startswith("Basic ")
