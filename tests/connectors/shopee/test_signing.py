"""Shopee v2 signing against the official worked example (marketplace_apis.md §1.2) and push verification."""

from __future__ import annotations

import hashlib
import hmac

from connectors.base.http import Call
from connectors.shopee.signing import ShopeeSigner, base_string, push_signature, sign, verify_push

# The official example: partner 2001887, get_shop_info, ts 1655714431, its access token and shop 14701711.
OFFICIAL_BASE = "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711"
TOKEN = "59777174636562737266615546704c6d"


def test_shop_api_base_string_matches_the_official_example():
    assert base_string(2001887, "/api/v2/shop/get_shop_info", 1655714431, TOKEN, 14701711) == OFFICIAL_BASE


def test_sign_is_lowercase_hex_hmac_sha256_of_the_base_string_with_the_utf8_partner_key():
    key = "shpk4d6f6a4b7a5a4e7a7a6b5a5a6f4d6b"
    expected = hmac.new(key.encode(), OFFICIAL_BASE.encode(), hashlib.sha256).hexdigest()
    signature = sign(key, 2001887, "/api/v2/shop/get_shop_info", 1655714431, TOKEN, 14701711)
    assert signature == expected and len(signature) == 64 and signature == signature.lower()


def test_public_api_base_omits_token_and_shop():
    assert base_string(2001887, "/api/v2/auth/token/get", 1655714431) == "2001887/api/v2/auth/token/get1655714431"


def test_signer_signs_each_attempt_with_its_own_timestamp_and_keeps_request_params():
    signer = ShopeeSigner("http://x", "2001887", "key", "14701711", lambda: TOKEN)
    call = Call("GET", "/api/v2/shop/get_shop_info", {"extra": 1})
    first, second = signer.sign(call, 1655714431), signer.sign(call, 1655714499)
    assert first.params["sign"] == sign("key", 2001887, call.path, 1655714431, TOKEN, 14701711)
    assert first.params["sign"] != second.params["sign"] and second.params["timestamp"] == 1655714499
    assert first.params["extra"] == 1 and first.params["shop_id"] == 14701711
    public = signer.sign(Call("POST", "/api/v2/auth/access_token/get", json={"a": 1}), 1655714431)
    assert "access_token" not in public.params and public.body == b'{"a": 1}'


def test_push_is_verified_over_url_bar_raw_body():
    key, url, body = "pushkey", "https://coop.example/webhooks/shopee", b'{"shop_id":1,"code":3}'
    expected = hmac.new(key.encode(), url.encode() + b"|" + body, hashlib.sha256).hexdigest()
    assert push_signature(key, url, body) == expected
    assert verify_push(key, url, body, expected)
    assert not verify_push(key, url, body + b" ", expected)  # re-serialised bodies do not verify
    assert not verify_push(key, url + "/", body, expected)
    assert not verify_push(key, url, body, None)
