"""The journey pages over real HTTP: who may see them, publishing (inline errors
with their path, new versions), rollback, on/off, the dry run, analytics that
match the JSON API, the pipeline and the lead page (escaped, with its journeys
and handoffs)."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import pytest
import yaml

from db.models import Journey
from devstack.seed import MANAGER, OPERATOR
from tests.journey_helpers import enrollment, event, new_lead, speed_up, visits
from tests.stack import LocalStack, wait_for

HX = {"HX-Request": "true"}
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
async def fast(stack: LocalStack) -> LocalStack:
    await speed_up(stack)
    return stack


def short_journey(journey_id: str, name: str = "Pages test", timeout: str = "2h") -> dict[str, Any]:
    """Entered only by explicit enrollment (webhook trigger); finishes in well under a second when sped up."""
    return {
        "id": journey_id,
        "name": name,
        "trigger": {"type": "webhook"},
        "goal": {"all": [{"type": "behavior", "field": "booked", "operator": "exists"}]},
        "steps": [
            {"id": "hello", "type": "send", "channel": "email", "subject": "Hello {first_name}", "body": "Hi!"},
            {"id": "pause", "type": "wait", "until_event": ["opened"], "timeout": timeout, "since_step": "hello"},
            {
                "id": "opened-it",
                "type": "branch",
                "cases": [
                    {
                        "when": {"all": [{"type": "behavior", "field": "opened", "operator": "exists"}]},
                        "next": "warm",
                    }
                ],
                "default": "give-up",
            },
            {"id": "give-up", "type": "exit", "reason": "never opened"},
            {"id": "warm", "type": "update_lead", "score_delta": 5},
        ],
    }


async def publish_api(stack: LocalStack, definition: dict[str, Any], note: str = "") -> int:
    async with stack.browser_session(MANAGER[0]) as http:
        response = await http.post(
            f"/api/journeys/{definition['id']}/versions", json={"source": yaml.safe_dump(definition), "note": note}
        )
    assert response.status_code == 201, response.text
    return int(response.json()["version"])


async def journey_row(stack: LocalStack, journey_id: str) -> Journey:
    async with stack.db.session() as session:
        row = await session.get(Journey, journey_id)
    assert row is not None
    return row


def new_id() -> str:
    return f"pages-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("email", [MANAGER[0], OPERATOR[0]])
async def test_pages_render_for_managers_and_operators(fast: LocalStack, email: str) -> None:
    pages = [
        "/journeys",
        "/ui/journeys",
        "/journeys/welcome-series",
        "/journeys/welcome-series?version=1",
        "/pipeline",
        "/ui/pipeline",
    ] + [f"/journeys/welcome-series/section/{s}" for s in ("head", "versions", "diagram", "analytics")]
    async with fast.browser_session(email) as http:
        for path in pages:
            response = await http.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        listing = await http.get("/journeys")
        page = await http.get("/journeys/welcome-series")
    assert "Welcome Series" in listing.text and "High-Intent Fast Track" in listing.text
    assert 'href="/journeys"' in listing.text  # the nav link
    assert 'href="/pipeline"' in listing.text
    # the diagram: numbered boxes, the branch's conditions and targets, the wait's event and timeout, goal and exit
    assert page.text.count('class="node node-') == 9 + 2  # entry + 9 steps + end
    assert "Until: opened / clicked / replied" in page.text and "Timeout: 2 days" in page.text
    assert "→ 5. wait-for-day-5" in page.text and "→ 4. sms-nudge" in page.text and "Otherwise" in page.text
    assert "Exit criteria" in page.text and "stage = “customer” OR stage = “lost”" in html.unescape(page.text)
    manager = email == MANAGER[0]
    assert ("Publish a new version" in page.text) is manager  # operators read only
    assert ("Deactivate" in page.text) is manager
    assert "Run the dry run" in page.text  # a dry run changes nothing: operators may


async def test_csms_are_refused(fast: LocalStack) -> None:
    async with fast.browser_session(fast.sandbox.data.csms[0].email) as http:
        for path in ("/journeys", "/journeys/welcome-series", "/pipeline", "/ui/pipeline", "/leads/nobody"):
            response = await http.get(path)
            assert response.status_code == 403, path
            assert "manager or operator" in response.text
        nav = await http.get("/queue")
    assert 'href="/journeys"' not in nav.text


async def test_unknown_journeys_and_leads_are_404_pages(fast: LocalStack) -> None:
    async with fast.browser_session(OPERATOR[0]) as http:
        assert (await http.get("/journeys/no-such-journey")).status_code == 404
        assert (await http.get("/journeys/welcome-series?version=999")).status_code == 404
        missing = await http.get("/leads/L-nobody")
    assert missing.status_code == 404 and "No lead L-nobody." in missing.text


async def test_publish_invalid_yaml_shows_each_error_with_its_path(fast: LocalStack) -> None:
    journey_id = new_id()
    await publish_api(fast, short_journey(journey_id))
    broken = short_journey(journey_id)
    del broken["steps"][1]["timeout"]
    broken["steps"][0]["channel"] = "fax"
    async with fast.browser_session(MANAGER[0]) as http:
        url = f"/journeys/{journey_id}/publish"
        bad = await http.post(url, data={"source": yaml.safe_dump(broken), "activate": "true"}, headers=HX)
        assert bad.status_code == 422 and bad.headers["X-Renubu-Inline"] == "1"
        assert "Not published: 2 problems" in bad.text
        assert '<code class="path">steps.0.send.channel</code>' in bad.text
        assert '<code class="path">steps.1.wait</code>' in bad.text and "needs a timeout" in bad.text
        assert "fax" in bad.text  # the source is kept for fixing
        not_yaml = await http.post(url, data={"source": "id: [unclosed"}, headers=HX)
        assert not_yaml.status_code == 422 and '<code class="path">source</code>' in not_yaml.text
        other_id = await http.post(url, data={"source": yaml.safe_dump(short_journey("another-one"))}, headers=HX)
        assert other_id.status_code == 422 and '<code class="path">id</code>' in other_id.text
        nowhere = await http.post("/journeys/no-such-journey/publish", data={"source": "id: x"}, headers=HX)
        assert nowhere.status_code == 404
        refused = await _as_operator(fast, url, {"source": yaml.safe_dump(short_journey(journey_id))})
    assert refused.status_code == 403 and "needs the manager role" in refused.text
    assert (await journey_row(fast, journey_id)).active_version == 1


async def _as_operator(stack: LocalStack, url: str, data: dict[str, str]) -> Any:
    async with stack.browser_session(OPERATOR[0]) as http:
        return await http.post(url, data=data, headers=HX)


async def test_publish_then_roll_back(fast: LocalStack) -> None:
    journey_id = new_id()
    await publish_api(fast, short_journey(journey_id), note="first")
    edited = yaml.safe_dump(short_journey(journey_id, name="Pages test, shorter wait", timeout="1h"))
    async with fast.browser_session(MANAGER[0]) as http:
        url = f"/journeys/{journey_id}/publish"
        done = await http.post(url, data={"source": edited, "note": "wait 1h", "activate": "true"}, headers=HX)
        assert done.status_code == 200, done.text
        assert "Published version 2 and made it active." in done.text
        assert done.headers["HX-Trigger"] == "journey-version"
        versions = await http.get(f"/journeys/{journey_id}/section/versions")
        assert 'id="version-2"' in versions.text and "wait 1h" in versions.text and "first" in versions.text
        assert "Roll back to this" in versions.text  # v1 is not active any more
        assert (await journey_row(fast, journey_id)).active_version == 2
        page = await http.get(f"/journeys/{journey_id}")
        assert "Timeout: 1 hour" in page.text and "Pages test, shorter wait" in page.text

        rolled = await http.post(f"/journeys/{journey_id}/rollback", data={"version": "1"}, headers=HX)
        assert rolled.status_code == 200 and "Version 1 is active" in rolled.text
        assert rolled.headers["HX-Trigger"] == "journey-version"
        assert "Make active" in rolled.text  # v2 is now the newer, inactive one
        assert (await journey_row(fast, journey_id)).active_version == 1
        diagram = await http.get(f"/journeys/{journey_id}/section/diagram")
        assert "Timeout: 2 hours" in diagram.text

        inactive = await http.post(url, data={"source": edited, "note": "draft"}, headers=HX)  # activate unticked
        assert "Published version 3 (not active" in inactive.text
        assert (await journey_row(fast, journey_id)).active_version == 1
        missing = await http.post(f"/journeys/{journey_id}/rollback", data={"version": "99"}, headers=HX)
    assert missing.status_code == 404 and missing.headers["HX-Retarget"] == "#flash"


async def test_deactivate_and_activate(fast: LocalStack) -> None:
    journey_id = new_id()
    await publish_api(fast, short_journey(journey_id))
    refused = await _as_operator(fast, f"/journeys/{journey_id}/deactivate", {})
    assert refused.status_code == 403
    async with fast.browser_session(MANAGER[0]) as http:
        off = await http.post(f"/journeys/{journey_id}/deactivate", headers=HX)
        assert off.status_code == 200 and "Inactive: no new leads enter" in off.text
        assert 'class="on-off off"' in off.text and ">Activate</button>" in off.text
        assert not (await journey_row(fast, journey_id)).active
        listing = await http.get("/ui/journeys")
        row = listing.text.split(f'id="journey-row-{journey_id}"')[1].split("</tr>")[0]
        assert "Inactive" in row
        on = await http.post(f"/journeys/{journey_id}/activate", headers=HX)
    assert "Active: new leads enter this journey." in on.text and ">Deactivate</button>" in on.text
    assert (await journey_row(fast, journey_id)).active


async def test_dry_run_shows_the_path_and_why(fast: LocalStack) -> None:
    url = "/journeys/welcome-series/dry-run"
    async with fast.browser_session(OPERATOR[0]) as http:
        opened = await http.post(
            url, data={"first_name": "Sam", "event_type_0": "opened", "event_after_0": "3h"}, headers=HX
        )
        assert opened.status_code == 200, opened.text
        text = html.unescape(opened.text)
        assert "Outcome:</b> completed" in text and "go to wait-for-day-5" in text and "opened arrives" in text
        assert 'hx-swap-oob="true"' in text and 'class="node node-send unvisited" id="step-sms-nudge"' in text
        assert re.search(r'node-branch visited" id="step-did-they-open"', text)
        assert 'class="edge taken"' in text
        silent = await http.post(url, data={"first_name": "Sam"}, headers=HX)
        text = html.unescape(silent.text)
        assert "no opened/clicked/replied" in text and "go to sms-nudge" in text and "no case matched" in text
        booked = await http.post(url, data={"event_type_0": "booked", "event_after_0": "1d"}, headers=HX)
        assert "goal met: (behavior booked exists? yes" in html.unescape(booked.text)
        bad = await http.post(url, data={"event_type_0": "opened", "event_after_0": "soon"}, headers=HX)
        assert bad.status_code == 422 and bad.headers["X-Renubu-Inline"] == "1" and "event row 0" in bad.text
        bad_props = await http.post(url, data={"properties": "- just a list"}, headers=HX)
        assert bad_props.status_code == 422 and "properties" in bad_props.text
        region = await http.post(
            "/journeys/geographic/dry-run", data={"region": "Texas", "properties": "interest: yoga"}, headers=HX
        )
    assert "go to texas" in region.text and "region = “Texas”" in html.unescape(region.text)


async def test_analytics_match_the_api(fast: LocalStack) -> None:
    journey_id = new_id()
    await publish_api(fast, short_journey(journey_id, timeout="1d"))  # 4 s: time to open
    leads = [(await new_lead(fast))["lead_id"] for _ in range(3)]
    async with fast.browser_session(MANAGER[0]) as http:
        for lead_id in leads:
            response = await http.post(f"/api/journeys/{journey_id}/enroll", json={"lead_id": lead_id})
            assert response.json()["result"] == "enrolled", response.text
        await wait_for(lambda: _on_step(fast, journey_id, leads[0], "pause"), 20, "the wait for the open")
        assert (await event(fast, leads[0], "opened")).status_code == 202  # this one warms up, the others give up
        for lead_id in leads:
            await enrollment(fast, journey_id, lead_id, "exited" if lead_id != leads[0] else None, timeout=30)
        await wait_for(lambda: _finished(fast, journey_id, 3), 30, "every lead to finish")
        for version in ("", "1"):
            api = (
                await http.get(f"/api/journeys/{journey_id}/analytics", params={"version": version} if version else {})
            ).json()
            page = await http.get(f"/journeys/{journey_id}/section/analytics", params={"version": version})
            assert _metric(page.text, "enrolled") == str(api["enrolled"]) == "3"
            assert _metric(page.text, "goal_met") == str(api["goal_met"])
            assert _metric(page.text, "conversion") == ("—" if api["conversion"] is None else "0%")
            for step in api["steps"]:
                row = page.text.split(f'id="funnel-{step["step_id"]}"')[1].split("</tr>")[0]
                assert _metric(row, "reached") == str(step["reached"]), step
                assert _metric(row, "dropped") == str(step["dropped"]), step
            if version:  # the page shows the version asked for as selected
                assert "selected" in page.text.split('value="1"')[1][:12]
        reached = {s["step_id"]: (s["reached"], s["dropped"]) for s in api["steps"]}
    assert reached["hello"] == (3, 0) and reached["give-up"] == (2, 2) and reached["warm"] == (1, 0)


async def _on_step(stack: LocalStack, journey_id: str, lead_id: str, step: str) -> bool:
    return any(v.step_id == step for v in await visits(stack, journey_id, lead_id))


async def _finished(stack: LocalStack, journey_id: str, n: int) -> bool:
    async with stack.browser_session(OPERATOR[0]) as http:
        data = (await http.get(f"/api/journeys/{journey_id}/analytics")).json()
    return data["enrolled"] == n and not data["by_status"].get("active")


def _metric(text: str, name: str) -> str:
    match = re.search(rf'data-metric="{name}">([^<]*)<', text)
    assert match, name
    return match.group(1).strip()


async def test_pipeline_and_lead_page_escape_and_show_journeys_and_handoffs(fast: LocalStack) -> None:
    lead = await new_lead(fast, first_name=SCRIPT, last_name="Doe", source="<b>ads</b>", properties={"goal": SCRIPT})
    lead_id = lead["lead_id"]
    for _ in range(5):  # five pricing-page visits: score 75, and the high-intent journey hands off to a person
        await event(fast, lead_id, "visited", channel="web", data={"text": SCRIPT})
    await enrollment(fast, "high-intent-fast-track", lead_id)

    async def handed_off() -> str | None:
        async with fast.browser_session(OPERATOR[0]) as http:
            page = await http.get(f"/leads/{lead_id}")
        return page.text if "High intent (score over 60)" in page.text else None

    text = await wait_for(handed_off, 30, "the handoff on the lead page")
    assert SCRIPT not in text and "<b>ads" not in text
    assert "&lt;script&gt;alert(" in text
    assert "&lt;b&gt;ads&lt;/b&gt;" in text
    assert "human" in text and "Conversation history" in text and "Lead score" in text
    assert "High-Intent Fast Track" in text and "Welcome Series" in text  # its journeys, with their step
    assert 'class="current-step"' in text or "Last step" in text
    async with fast.browser_session(MANAGER[0]) as http:
        board = await http.get("/pipeline")
        details = await http.get(f"/leads/{lead_id}/details")
    assert SCRIPT not in board.text and f'id="lead-{lead_id}"' in board.text and "&lt;script&gt;" in board.text
    assert details.status_code == 200 and SCRIPT not in details.text and details.text.lstrip().startswith("<div")
