"""Where a webhook may point: https and public addresses only, checked at creation and at every delivery."""

from __future__ import annotations

import pytest

from chalicelib.domain import webhook_urls as urls
from tests.webhooks.support import ALL, create


def _problem(reply) -> str:
    assert reply.status == 422, reply.json
    assert reply.error_code == "invalid_fields"
    (detail,) = [d for d in reply.json["error"]["details"] if d["field"] == "url"]
    return str(detail["problem"])


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://[::1]/hooks", "loopback"),
        ("https://10.0.0.7/hooks", "private"),
        ("https://192.168.1.20/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://[::ffff:169.254.169.254]/x", "link-local"),
        ("https://0.0.0.0/x", "not public"),
        ("https://[2002:7f00:1::]/x", "loopback"),  # 6to4 of 127.0.0.1
        ("https://[64:ff9b::a9fe:a9fe]/x", "link-local"),  # NAT64 of 169.254.169.254
        ("https://[fd00::1]/x", "private"),
        ("https://100.64.0.1/x", "not public"),
        ("http://93.184.216.34/hooks", "https"),
        ("https://user:pass@93.184.216.34/hooks", "password"),
    ],
)
def test_a_literal_address_that_is_not_public_is_refused(seeded, api, dns, loopback_off, url, words):
    loopback_off()
    assert words in _problem(create(api, url))
    listed = api.get(ALL, as_user="ada.admin@harbormain.example").json["items"]
    assert [h["url"] for h in listed] == ["https://crm.harbormain.example/hooks/threshold"]  # the demo's only


def test_a_name_resolving_to_loopback_is_refused_even_among_public_addresses(seeded, api, dns, loopback_off):
    loopback_off()
    dns["evil.example"] = ["127.0.0.1"]
    dns["mixed.example"] = ["93.184.216.34", "10.1.2.3"]
    assert "resolves to a loopback address" in _problem(create(api, "https://evil.example/hooks"))
    assert "resolves to a private address" in _problem(create(api, "https://mixed.example/hooks"))


def test_a_name_that_does_not_resolve_yet_is_accepted(seeded, api, dns, loopback_off):
    loopback_off()
    reply = create(api, "https://not-yet.brokerage.example/hooks")
    assert reply.status == 201


def test_loopback_receivers_only_with_the_local_setting(seeded, api, dns, loopback_off, receiver):
    assert create(api, receiver.url).status == 201  # local mode / tests: WEBHOOKS_ALLOW_LOOPBACK=1
    loopback_off()
    assert "https" in _problem(create(api, receiver.url))
    assert "loopback" in _problem(create(api, "https://127.0.0.1:8443/hooks"))


def test_a_deployed_stage_ignores_the_loopback_setting(monkeypatch):
    from chalicelib import config

    monkeypatch.setenv(urls.LOOPBACK_SETTING, "1")
    deployed = config.settings().__class__(**{**config.settings().__dict__, "stage": "prod"})
    monkeypatch.setattr(config, "settings", lambda: deployed)
    assert not urls.loopback_allowed()
    with pytest.raises(urls.RefusedUrl):
        urls.check_at_creation("http://127.0.0.1:9000/hooks")


def test_dns_rebinding_is_caught_at_delivery_time(dns):
    """Public at creation, loopback at delivery: the delivery's own check refuses it."""
    dns["rebind.example"] = ["93.184.216.34"]
    target = urls.check_at_creation("https://rebind.example/hooks")
    dns["rebind.example"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(urls.RefusedUrl):
        urls.addresses_for_delivery(target)
    dns["rebind.example"] = ["169.254.169.254"]
    with pytest.raises(urls.RefusedUrl):
        urls.addresses_for_delivery(target)
