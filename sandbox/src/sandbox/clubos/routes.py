"""ClubOS member API: the club, members and prospects (filtered, paged), door access, payment links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import JSONResponse

from sandbox.clubos.api import (
    Club,
    OptionalKey,
    Page,
    PageSize,
    RequiredKey,
    api_router,
    json_body,
    member_or_404,
    paged,
    written,
)
from sandbox.clubos.door import DoorAccessEntry
from sandbox.clubos.idempotency import fingerprint
from sandbox.clubos.models import DoorState, Member, MemberStatus, Prospect, ProspectStatus
from sandbox.clubos.schemas import DoorAccessRequest, PaymentLinkRequest

router = api_router()


@router.get("/club")
async def get_club(club: Club) -> dict[str, Any]:
    return club.world.club.as_dict()


@router.get("/members")
async def list_members(
    club: Club,
    page: Page = 1,
    page_size: PageSize = 50,
    status: Annotated[list[MemberStatus] | None, Query()] = None,
    past_due: bool | None = None,
    min_days_past_due: Annotated[int | None, Query(ge=0)] = None,
    inactive_days: Annotated[int | None, Query(ge=0)] = None,
    door_access: DoorState | None = None,
) -> dict[str, Any]:
    """Members in id order. Filters combine with AND; `status` may repeat (any of them)."""
    now = club.now()

    def matches(member: Member) -> bool:
        return (
            (not status or member.status in status)
            and (past_due is None or (member.past_due_cents > 0) == past_due)
            and (min_days_past_due is None or (member.past_due_cents > 0 and member.days_past_due >= min_days_past_due))
            and (inactive_days is None or member.inactive_for(inactive_days, now))
            and (door_access is None or member.door_access == door_access)
        )

    members = [member for member in club.world.members if matches(member)]
    return paged(members, page, page_size, Member.as_dict)


@router.get("/members/{member_id}")
async def get_member(club: Club, member_id: str) -> dict[str, Any]:
    return member_or_404(club, member_id).as_dict()


@router.get("/prospects")
async def list_prospects(
    club: Club,
    page: Page = 1,
    page_size: PageSize = 50,
    status: Annotated[list[ProspectStatus] | None, Query()] = None,
    created_after: datetime | None = None,
    not_contacted_days: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """Prospects oldest first. `not_contacted_days=N`: never contacted, or not in the last N days."""
    if created_after is not None and created_after.tzinfo is None:
        created_after = created_after.replace(tzinfo=UTC)  # the API speaks UTC
    contacted_before = club.now() - timedelta(days=not_contacted_days or 0)

    def matches(prospect: Prospect) -> bool:
        return (
            (not status or prospect.status in status)
            and (created_after is None or prospect.created_at > created_after)
            and (
                not_contacted_days is None
                or prospect.last_contacted_at is None
                or prospect.last_contacted_at <= contacted_before
            )
        )

    prospects = [prospect for prospect in club.world.prospects if matches(prospect)]
    return paged(prospects, page, page_size, Prospect.as_dict)


@router.post("/members/{member_id}/door-access")
async def set_door_access(
    club: Club,
    member_id: str,
    key: RequiredKey,
    body: Annotated[DoorAccessRequest, Depends(json_body(DoorAccessRequest))],
) -> JSONResponse:
    member = member_or_404(club, member_id)
    request = {"member_id": member_id, **body.model_dump()}
    entry, replayed = club.idempotency.run(
        "door_access",
        key,
        fingerprint(request),
        lambda: club.door.apply(member, body.action, body.reason, key),
    )
    return written(entry.result(), replayed=replayed, status_code=200)


@router.get("/door-access/log")
async def door_access_log(
    club: Club, page: Page = 1, page_size: PageSize = 50, member_id: str | None = None
) -> dict[str, Any]:
    """Newest first."""
    return paged(club.door.entries(member_id), page, page_size, DoorAccessEntry.as_dict)


@router.post("/members/{member_id}/payment-links")
async def create_payment_link(
    club: Club,
    member_id: str,
    key: OptionalKey,
    body: Annotated[PaymentLinkRequest, Depends(json_body(PaymentLinkRequest))],
) -> JSONResponse:
    member = member_or_404(club, member_id)
    cents = None if body.amount is None else int(body.amount * 100)
    if key is None:
        return written(club.payments.create(member, cents).as_dict(club.now()), replayed=False)
    request = {"member_id": member_id, "amount": cents}
    link, replayed = club.idempotency.run(
        "payment_links", key, fingerprint(request), lambda: club.payments.create(member, cents, key)
    )
    return written(link.as_dict(club.now()), replayed=replayed)
