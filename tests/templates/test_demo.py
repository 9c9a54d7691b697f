"""`make run`'s demo template: New York purchase published for NY, with a Brooklyn deal running it."""

from __future__ import annotations

from devstack.demo_templates import seed_templates
from tests.templates.support import COORDINATOR


def test_the_demo_has_an_org_template_with_a_deal_on_it(seeded, api):
    template_id = seed_templates(seeded)
    listed = api.get("/v1/admin/templates", as_user=COORDINATOR).json["items"]
    ny = next(t for t in listed if t["id"] == template_id)
    assert ny["name"] == "New York purchase" and ny["states"] == ["NY"] and ny["latest_version"] == 1
    deal = api.get(f"/v1/deals/{seeded.deals['ny_purchase'].deal_id}", as_user=COORDINATOR).json
    assert deal["template_id"] == template_id
    assert deal["stage"] == "attorney_review" and deal["stage_label"] == "Attorney review"
