"""Downloads: allowed by the version's visibility only, short-lived, safe to open, refused until the
malware scan is clean when scanning is configured, and every view in the activity log."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from chalicelib.config import settings
from chalicelib.services import documents as document_service
from chalicelib.store import documents as doc_store
from tests.documents.helpers import (
    AGENT,
    CLIENT,
    COORDINATOR,
    LENDER,
    activity,
    new_request,
    request_as,
    user_id,
)
from tests.support.demo import ADMIN, RIVAL_ADMIN
from tests.support.uploads import PDF, Uploader, ingest, s3

CO_CLIENT = "ben.buyer@mail.example"
TITLE = "tom@clearskytitle.example"
OTHER_DEALS_CLIENT = "carl.client@mail.example"  # client of the Quick purchase, not of this deal


def uploaded(api, deal, uploader, **request_fields) -> dict:
    request = new_request(api, deal, **request_fields)
    Uploader(api, deal, request["id"], uploader).upload(PDF, file_name='Pre-approval "final" – Reyes.pdf')
    ingest()
    return request_as(api, deal, request["id"], COORDINATOR)["documents"][0]


@pytest.fixture
def three_documents(api, park, storage):
    """One for every party, one shared with the lender only, one internal (staff only)."""
    lender = user_id(api, park, LENDER)
    return {
        "parties": uploaded(api, park, CLIENT),
        "lender_only": uploaded(api, park, CLIENT, visibility="restricted", restricted_to=[lender]),
        "internal": uploaded(api, park, AGENT, visibility="internal", targets=()),
    }


SEES = {
    ADMIN: {"parties", "lender_only", "internal"},
    COORDINATOR: {"parties", "lender_only", "internal"},
    AGENT: {"parties", "lender_only", "internal"},
    CLIENT: {"parties", "lender_only"},  # the client uploaded (and was asked for) the lender's copy
    CO_CLIENT: {"parties"},
    LENDER: {"parties", "lender_only"},
    TITLE: {"parties"},
    RIVAL_ADMIN: set(),
    OTHER_DEALS_CLIENT: set(),
}


@pytest.mark.parametrize("email", list(SEES), ids=[e.split("@")[0] for e in SEES])
def test_download_is_allowed_by_visibility_only(api, park, three_documents, email):
    for name, doc in three_documents.items():
        reply = api.get(f"/v1/deals/{park}/documents/{doc['id']}/download", as_user=email)
        if name in SEES[email]:
            assert reply.status == 200, (name, reply.json)
        else:
            assert reply.status == 404 and reply.error_code == "not_found", (name, reply.status)
            assert doc["sha256"] not in reply.raw.decode()


def test_a_lender_lists_only_the_requests_shared_with_them(api, park, three_documents):
    listed = api.get(f"/v1/deals/{park}/document-requests", as_user=LENDER).json["items"]
    assert {d["id"] for r in listed for d in r["documents"]} == {
        three_documents["parties"]["id"],
        three_documents["lender_only"]["id"],
    }


def test_the_link_is_short_lived_and_opens_the_exact_bytes_as_an_attachment(api, park, three_documents):
    reply = api.get(f"/v1/deals/{park}/documents/{three_documents['parties']['id']}/download", as_user=CLIENT)
    query = parse_qs(urlparse(reply.json["url"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    disposition = query["response-content-disposition"][0]
    assert disposition.startswith("attachment; ")
    assert 'filename="Pre-approval _final_  Reyes.pdf"' in disposition  # no quote can break out
    assert "filename*=UTF-8''Pre-approval%20%22final%22%20%E2%80%93%20Reyes.pdf" in disposition
    fetched = requests.get(reply.json["url"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert reply.json["document"]["version"] == 1


def test_every_view_is_in_the_activity_log(api, park, three_documents):
    doc = three_documents["lender_only"]
    for email in (LENDER, LENDER, CLIENT):
        assert api.get(f"/v1/deals/{park}/documents/{doc['id']}/download", as_user=email).status == 200
    views = [e for e in activity(api, park) if e["type"] == "document.downloaded"]
    assert [(e["actor"]["user_id"], e["data"]["document_id"], e["data"]["version"]) for e in views] == [
        (user_id(api, park, CLIENT), doc["id"], 1),
        (user_id(api, park, LENDER), doc["id"], 1),
        (user_id(api, park, LENDER), doc["id"], 1),
    ]
    assert all(e["at"] and e["visibility"] == "internal" for e in views)
    # views are staff-only audit: the lender's own log does not list who viewed what
    assert not [e for e in activity(api, park, LENDER) if e["type"] == "document.downloaded"]


def test_a_refused_download_is_not_recorded(api, park, three_documents):
    before = len(activity(api, park))
    api.get(f"/v1/deals/{park}/documents/{three_documents['internal']['id']}/download", as_user=CLIENT)
    assert len(activity(api, park)) == before


@pytest.fixture
def scanning(monkeypatch):
    monkeypatch.setattr(
        document_service, "settings", lambda: dataclasses.replace(settings(), malware_scanning=True)
    )


def tag(doc_key: str, verdict: str | None) -> None:
    tags = s3().get_object_tagging(Bucket=settings().documents_bucket, Key=doc_key)["TagSet"]
    tags = [t for t in tags if t["Key"] != "GuardDutyMalwareScanStatus"]
    if verdict:
        tags.append({"Key": "GuardDutyMalwareScanStatus", "Value": verdict})
    s3().put_object_tagging(Bucket=settings().documents_bucket, Key=doc_key, Tagging={"TagSet": tags})


def test_with_scanning_a_download_waits_for_a_clean_verdict(api, park, three_documents, scanning):
    doc = three_documents["parties"]
    stored = doc_store.load_document(park, doc["id"])
    assert stored is not None
    path = f"/v1/deals/{park}/documents/{doc['id']}/download"
    pending = api.get(path, as_user=CLIENT)
    assert pending.status == 409 and pending.error_code == "scan_pending"
    tag(stored.s3_key, "THREATS_FOUND")
    infected = api.get(path, as_user=CLIENT)
    assert infected.status == 409 and infected.error_code == "scan_failed"
    tag(stored.s3_key, "NO_THREATS_FOUND")
    assert api.get(path, as_user=CLIENT).status == 200
    assert len([e for e in activity(api, park) if e["type"] == "document.downloaded"]) == 1
