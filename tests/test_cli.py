"""The `renubu` CLI against the real API: an API key made by `apikey create`, then
list / show / approve --only / deny on a live past-due monitor run, and the exit
codes and messages of wrong keys, wrong roles, unknown ids and refusals."""

from __future__ import annotations

import asyncio
import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest

from cli.apikey import create_key
from cli.errors import CONFLICT, FAILED, FORBIDDEN, NOT_FOUND, OK, UNAUTHENTICATED, USAGE, CliError
from cli.main import main
from devstack.seed import MANAGER
from tests.campaign_helpers import fresh_gym, locked_members, pending_approval, start_run
from tests.stack import LocalStack


async def renubu(monkeypatch: pytest.MonkeyPatch, url: str, key: str | None, *argv: str) -> tuple[int, str, str]:
    """Runs the CLI in a thread (it is synchronous; the API runs on this event loop)."""
    monkeypatch.setenv("RENUBU_URL", url)
    if key is None:
        monkeypatch.delenv("RENUBU_API_KEY", raising=False)
    else:
        monkeypatch.setenv("RENUBU_API_KEY", key)

    def run() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
        return code, out.getvalue(), err.getvalue()

    return await asyncio.to_thread(run)


@pytest.fixture
async def manager_key(stack: LocalStack) -> str:
    key, role = await create_key(stack.settings.resolved_database_url, MANAGER[0], "cli tests")
    assert role == "manager" and key.startswith("rnb_")
    return key


async def test_list_show_approve_only_and_deny(
    stack: LocalStack, manager_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fresh_gym(stack)
    handle = await start_run(stack, "past_due_monitor")
    approval = await pending_approval(stack, handle.id)

    code, out, _ = await renubu(monkeypatch, stack.api_url, manager_key, "approvals", "list")
    assert code == OK and out.startswith("ID ") and approval.id in out
    assert "Lock door access for 34 members?" in out and "campaign" in out
    code, out, _ = await renubu(monkeypatch, stack.api_url, manager_key, "approvals", "list", "--json")
    assert code == OK and approval.id in [a["id"] for a in json.loads(out)]
    code, out, _ = await renubu(monkeypatch, stack.api_url, manager_key, "approvals", "show", approval.id)
    assert code == OK and "Status:      pending" in out and "Items (34):" in out
    assert all(item["label"] in out for item in approval.items)

    chosen = [item["id"] for item in approval.items[:3]]
    code, out, err = await renubu(
        monkeypatch, stack.api_url, manager_key, "approvals", "approve", approval.id, "--only", ",".join(chosen)
    )
    assert (code, err) == (OK, "") and out.strip() == f"Partially approved {approval.id}: 3 item(s) approved."
    assert await handle.result() == "succeeded"
    assert await locked_members(stack) == set(chosen)
    code, out, _ = await renubu(monkeypatch, stack.api_url, manager_key, "approvals", "show", approval.id)
    assert "Decided:     by maria.lopez@renubu.demo" in out and out.count("\nx ") == 3

    await fresh_gym(stack)
    handle = await start_run(stack, "past_due_monitor")
    second = await pending_approval(stack, handle.id)
    code, _, err = await renubu(
        monkeypatch, stack.api_url, manager_key, "approvals", "deny", second.id, "--reason", " "
    )
    assert code == USAGE and "needs a reason" in err
    code, out, _ = await renubu(
        monkeypatch, stack.api_url, manager_key, "approvals", "deny", second.id, "--reason", "Call them first"
    )
    assert code == OK and out.strip() == f"Denied {second.id}: Call them first"
    assert await handle.result() == "succeeded"
    assert await locked_members(stack) == set()
    code, _, err = await renubu(monkeypatch, stack.api_url, manager_key, "approvals", "approve", second.id)
    assert code == CONFLICT and err.startswith("error: ") and err.endswith("(HTTP 409)\n")  # the run has finished


async def test_wrong_key_wrong_role_and_unknown_ids(
    stack: LocalStack, manager_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = await renubu(monkeypatch, stack.api_url, "rnb_not-a-key", "approvals", "list")
    assert code == UNAUTHENTICATED and err.strip() == "error: authentication required (HTTP 401)"
    code, _, err = await renubu(monkeypatch, stack.api_url, None, "approvals", "list")
    assert code == UNAUTHENTICATED and "no API key" in err

    csm_key, role = await create_key(stack.settings.resolved_database_url, stack.sandbox.data.csms[0].email, "csm")
    assert role == "csm"
    code, _, err = await renubu(monkeypatch, stack.api_url, csm_key, "approvals", "list", "--status", "all")
    assert code == FORBIDDEN and "needs the manager or operator role; you are csm" in err  # staff data
    code, _, err = await renubu(monkeypatch, stack.api_url, csm_key, "approvals", "approve", "apr-anything")
    assert code == FORBIDDEN and "this needs the manager role; you are csm (HTTP 403)" in err

    code, _, err = await renubu(monkeypatch, stack.api_url, manager_key, "approvals", "show", "apr-nope")
    assert code == NOT_FOUND and "no approval 'apr-nope' (HTTP 404)" in err
    code, _, err = await renubu(
        monkeypatch, stack.api_url, manager_key, "approvals", "approve", "apr-nope", "--edit", "x"
    )
    assert code == USAGE and "FIELD=VALUE" in err
    code, _, err = await renubu(monkeypatch, "http://127.0.0.1:9", manager_key, "approvals", "list")
    assert code == FAILED and "cannot reach http://127.0.0.1:9" in err

    with pytest.raises(CliError, match="no active user"):
        await create_key(stack.settings.resolved_database_url, "nobody@renubu.demo", "x")
