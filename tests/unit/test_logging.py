"""Logs never carry full emails, phone numbers, tokens or presigned URL signatures."""

from __future__ import annotations

import io
import json
import logging

from chalicelib.observability import logger, mask


def test_mask_hides_pii_and_secrets():
    text = (
        "invited bianca.buyer@mail.example (+16175550101) with Bearer eyJhbGciOi.eyJzdWIi.c2ln "
        "via https://b.s3.amazonaws.com/k?X-Amz-Signature=abc123&X-Amz-Credential=AKIA%2Fx"
    )
    masked = mask(text)
    for secret in ("bianca.buyer@", "6175550101", "eyJhbGciOi", "abc123", "AKIA"):
        assert secret not in masked
    assert "b***@mail.example" in masked and "***01" in masked


def test_the_logger_masks_every_field():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    underlying = logging.getLogger(logger.name)
    underlying.addHandler(handler)
    try:
        logger.info("party added", extra={"email": "tara.tenant@mail.example", "phones": ["+16175550104"]})
    finally:
        underlying.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["email"] == "t***@mail.example"
    assert line["phones"] == ["***04"]
    assert line["service"] == "threshold"
