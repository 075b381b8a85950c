"""`renubu approvals list|show|approve|deny`: the cross-workflow approvals queue over the API."""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import quote

from cli import api
from cli.errors import USAGE, CliError
from cli.output import as_json, clean, table, when

STATUSES = ("pending", "approved", "partially_approved", "denied", "expired", "all")


def register(commands: Any) -> None:
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--url", help="API base URL (default: $RENUBU_URL or http://127.0.0.1:8000)")
    connection.add_argument("--api-key", help="API key (default: $RENUBU_API_KEY)")
    connection.add_argument("--json", action="store_true", help="print the API's JSON instead of text")

    group = commands.add_parser("approvals", help="list and decide approval requests")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", parents=[connection], help="approval requests, newest first")
    listing.add_argument("--status", choices=STATUSES, default="pending", help="default: pending")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.set_defaults(handler=list_approvals)

    show = actions.add_parser("show", parents=[connection], help="one request with its items")
    show.add_argument("id")
    show.set_defaults(handler=show_approval)

    approve = actions.add_parser("approve", parents=[connection], help="approve all items, or only some")
    approve.add_argument("id")
    approve.add_argument("--only", metavar="ID1,ID2", help="approve only these item ids (comma-separated)")
    approve.add_argument(
        "--edit", action="append", default=[], metavar="FIELD=VALUE", help="edit a field before sending (repeatable)"
    )
    approve.set_defaults(handler=approve_request)

    deny = actions.add_parser("deny", parents=[connection], help="deny a request (a reason is required)")
    deny.add_argument("id")
    deny.add_argument("--reason", required=True, help="why; recorded with the decision")
    deny.set_defaults(handler=deny_request)


def _call(args: argparse.Namespace, method: str, path: str, **kwargs: Any) -> Any:
    return api.call(api.base_url(args.url), api.api_key(args.api_key), method, path, **kwargs)


def _path(approval_id: str) -> str:
    return f"/api/approvals/{quote(approval_id, safe='')}"


def list_approvals(args: argparse.Namespace) -> None:
    rows = _call(args, "GET", "/api/approvals", params={"status": args.status, "limit": args.limit})
    if args.json:
        as_json(rows)
    elif not rows:
        print(f"No {'' if args.status == 'all' else args.status + ' '}approvals.")
    else:
        _table(rows)


def _table(rows: list[dict[str, Any]]) -> None:
    table(
        ["ID", "KIND", "STATUS", "ITEMS", "REQUESTED", "EXPIRES", "TITLE"],
        [
            [
                a["id"],
                a["workflow_kind"],
                a["status"],
                len(a["items"]),
                when(a["requested_at"]),
                when(a["expires_at"]),
                a["title"],
            ]
            for a in rows
        ],
    )


def show_approval(args: argparse.Namespace) -> None:
    a = _call(args, "GET", _path(args.id))
    if args.json:
        as_json(a)
        return
    print(f"{clean(a['id'])}  {clean(a['title'])}")
    facts = [
        ("Status", a["status"]),
        ("Kind", f"{a['workflow_kind']} (workflow {a['workflow_id']})"),
        ("Action", a["action"]),
        ("Requested", when(a["requested_at"])),
        ("Expires", when(a["expires_at"])),
        ("Summary", a["summary"]),
        ("Why", a["reason"]),
    ]
    if a["decided_by"] or a["decided_at"]:
        facts.append(("Decided", f"by {a['decided_by'] or '-'} at {when(a['decided_at'])}"))
    if (a.get("decision") or {}).get("reason"):
        facts.append(("Reason", a["decision"]["reason"]))
    for field, value in (a.get("editable") or {}).items():
        facts.append((f"Editable {field}", value))
    for label, value in facts:
        print(f"{label + ':':<12} {clean(value)}")
    items = a["items"]
    print(f"\nItems ({len(items)}):")
    if items:
        approved = set((a.get("decision") or {}).get("approved_ids") or [])
        rows = [[i["id"], i["label"], i.get("detail", "")] for i in items]
        if approved:  # a decided request: mark what was approved
            rows = [["x" if row[0] in approved else "", *row] for row in rows]
        table(["APPROVED", "ID", "ITEM", "DETAIL"][0 if approved else 1 :], rows)


def _decide(args: argparse.Namespace, body: dict[str, Any]) -> None:
    outcome = _call(args, "POST", f"{_path(args.id)}/decide", json=body)
    if args.json:
        as_json(outcome)
        return
    status = outcome["status"].replace("_", " ")
    if outcome["status"] == "denied":
        print(f"Denied {clean(args.id)}: {clean(outcome.get('reason'))}")
    else:
        edited = " with edits" if outcome.get("edits") else ""
        print(f"{status.capitalize()} {clean(args.id)}{edited}: {len(outcome['approved_ids'])} item(s) approved.")


def approve_request(args: argparse.Namespace) -> None:
    body: dict[str, Any] = {"approve": True}
    if args.only is not None:
        body["item_ids"] = [i.strip() for i in args.only.split(",") if i.strip()]
    if args.edit:
        pairs = [e.partition("=") for e in args.edit]
        bad = [e for e, (_, sep, _) in zip(args.edit, pairs, strict=True) if not sep]
        if bad:
            raise CliError(USAGE, f"--edit wants FIELD=VALUE, got {bad[0]!r}")
        body["edits"] = {field: value for field, _, value in pairs}
    _decide(args, body)


def deny_request(args: argparse.Namespace) -> None:
    if not args.reason.strip():
        raise CliError(USAGE, "a denial needs a reason (--reason)")
    _decide(args, {"approve": False, "reason": args.reason})
