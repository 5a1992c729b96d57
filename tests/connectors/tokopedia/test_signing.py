"""TikTok request signatures and both webhook signatures, on fixed inputs with exact expected values.

The expected digests were computed once, outside the code under test, from the rules in
marketplace_apis.md §3.3 (request), §3.8 (TikTok push) and §2.7 (legacy push)."""

from __future__ import annotations

import base64
import json

from connectors.base.auth import AuthSigner, BearerTokenAuth, HttpBasicAuth
from connectors.base.http import Call
from connectors.tokopedia.signing import ACCOUNTS_WIRE, FS_WIRE, TikTokSigner, base_string, sign
from connectors.tokopedia.webhooks import (
    legacy_signature,
    tiktok_signature,
    verify_legacy_webhook,
    verify_tiktok_webhook,
)

SECRET, APP_KEY = "SECRET42", "6a1b2c3d4e5f"
GET_PATH, GET_PARAMS = (
    "/order/202309/orders",
    {
        "timestamp": "1700000000",
        "shop_cipher": "ROW_abcdef",
        "ids": "576000000000000001,576000000000000002",
        "app_key": APP_KEY,
        "sign": "must-not-be-signed",
        "access_token": "must-not-be-signed-either",
    },
)
GET_BASE = (
    "SECRET42/order/202309/orders"
    "app_key6a1b2c3d4e5fids576000000000000001,576000000000000002shop_cipherROW_abcdeftimestamp1700000000"
    "SECRET42"
)
GET_SIGN = "a3974174f0dcf058f4096e1fd48270b869c95fda88380bd81f5dc289fcd11ef8"
POST_PATH = "/order/202309/orders/search"
POST_PARAMS = {
    "page_token": "",
    "page_size": "100",
    "app_key": APP_KEY,
    "timestamp": "1700000000",
    "shop_cipher": "ROW_abcdef",
}
POST_BODY = '{"update_time_ge":1700000000,"update_time_lt":1700086400}'
POST_SIGN = "46d383016ee15408c720dc63b7a2938f4c837db5573dfb8d793bfbcfa3378304"


def test_get_base_string_sorts_keys_and_leaves_out_sign_and_access_token():
    assert base_string(SECRET, GET_PATH, GET_PARAMS) == GET_BASE


def test_get_signature_is_the_hmac_of_the_wrapped_base_string():
    assert sign(SECRET, GET_PATH, GET_PARAMS) == GET_SIGN


def test_post_signature_covers_the_raw_body_after_the_sorted_params():
    assert base_string(SECRET, POST_PATH, POST_PARAMS, POST_BODY).endswith(
        "page_size100page_tokenshop_cipherROW_abcdeftimestamp1700000000" + POST_BODY + SECRET
    )
    assert sign(SECRET, POST_PATH, POST_PARAMS, POST_BODY) == POST_SIGN
    assert sign(SECRET, POST_PATH, POST_PARAMS, POST_BODY + " ") != POST_SIGN  # re-serialised bodies fail


def test_signer_sends_exactly_the_signed_body_and_keeps_the_token_out_of_the_query():
    signer = TikTokSigner("https://open-api.example/", APP_KEY, SECRET, lambda: "tok-123")
    call = Call(
        "POST",
        POST_PATH,
        {"page_token": "", "page_size": 100, "shop_cipher": "ROW_abcdef"},
        json={"update_time_lt": 1700086400, "update_time_ge": 1700000000},
    )
    signed = signer.sign(call, 1700000000)
    assert signed.url == "https://open-api.example" + POST_PATH
    assert signed.body == POST_BODY.encode() and signed.params["sign"] == POST_SIGN
    assert signed.headers["x-tts-access-token"] == "tok-123" and "access_token" not in signed.params
    again = signer.sign(call, 1700000001)  # every attempt is signed afresh
    assert again.params["timestamp"] == "1700000001" and again.params["sign"] != POST_SIGN


def test_signer_signs_a_get_without_any_body():
    signer = TikTokSigner("https://open-api.example", APP_KEY, SECRET, lambda: "tok-123")
    call = Call("GET", GET_PATH, {"shop_cipher": "ROW_abcdef", "ids": "576000000000000001,576000000000000002"})
    signed = signer.sign(call, 1700000000)
    assert signed.body is None and signed.params["sign"] == GET_SIGN


def test_legacy_signers_use_bearer_for_the_api_and_basic_for_the_token():
    fs = AuthSigner("https://fs.example", BearerTokenAuth(lambda: "fs-token"), FS_WIRE)
    bearer = fs.sign(Call("GET", "/v2/order/list", {"page": 1}), 0)
    assert bearer.headers == {"Authorization": "Bearer fs-token"} and bearer.params == {"page": "1"}
    assert bearer.body is None
    accounts = AuthSigner("https://accounts.example", HttpBasicAuth("client", "secret"), ACCOUNTS_WIRE)
    basic = accounts.sign(Call("POST", "/token", {"grant_type": "client_credentials"}), 0)
    assert basic.headers == {"Authorization": "Basic " + base64.b64encode(b"client:secret").decode()}
    assert basic.body == b"" and basic.url == "https://accounts.example/token"
    assert basic.params == {"grant_type": "client_credentials"}


# --- webhooks ---------------------------------------------------------------------------------------------------

TIKTOK_PUSH = json.dumps(
    {
        "type": 1,
        "shop_id": "7494000101",
        "timestamp": 1700000000,
        "data": {"order_id": "576000000000000001", "order_status": "IN_TRANSIT"},
    },
    separators=(",", ":"),
).encode()
TIKTOK_PUSH_SIGN = "1c51b66d4cd04f17810f2f82f1bb64284b3056b6bb6273d8afe32c19f32829f7"
LEGACY_PUSH = b'{"fs_id":15007,"order_id":1100000001,"order_status":500,"shop_id":7494000102}'
LEGACY_PUSH_SIGN = "b6f7d325b8f3a9fb7186de0414615699c8d25bf000531559db9d2927fa34c1bc"


def test_tiktok_push_is_signed_over_app_key_then_raw_body():
    assert tiktok_signature(APP_KEY, SECRET, TIKTOK_PUSH) == TIKTOK_PUSH_SIGN
    assert verify_tiktok_webhook(APP_KEY, SECRET, TIKTOK_PUSH, TIKTOK_PUSH_SIGN)
    assert verify_tiktok_webhook(APP_KEY, SECRET, TIKTOK_PUSH, TIKTOK_PUSH_SIGN.upper())


def test_tiktok_push_fails_on_any_other_body_key_or_missing_header():
    assert not verify_tiktok_webhook(APP_KEY, SECRET, TIKTOK_PUSH + b"\n", TIKTOK_PUSH_SIGN)
    assert not verify_tiktok_webhook("other-app", SECRET, TIKTOK_PUSH, TIKTOK_PUSH_SIGN)
    assert not verify_tiktok_webhook(APP_KEY, "wrong", TIKTOK_PUSH, TIKTOK_PUSH_SIGN)
    assert not verify_tiktok_webhook(APP_KEY, SECRET, TIKTOK_PUSH, None)
    assert not verify_tiktok_webhook(APP_KEY, SECRET, TIKTOK_PUSH, "")


def test_legacy_push_authorization_hmac_is_over_the_raw_body_only():
    assert legacy_signature("whsec-0123", LEGACY_PUSH) == LEGACY_PUSH_SIGN
    assert verify_legacy_webhook("whsec-0123", LEGACY_PUSH, LEGACY_PUSH_SIGN)
    reserialised = json.dumps(json.loads(LEGACY_PUSH)).encode()  # same JSON, different bytes
    assert not verify_legacy_webhook("whsec-0123", reserialised, LEGACY_PUSH_SIGN)
    assert not verify_legacy_webhook("whsec-9999", LEGACY_PUSH, LEGACY_PUSH_SIGN)
    assert not verify_legacy_webhook("whsec-0123", LEGACY_PUSH, None)
