"""The codec endpoint: the Temporal UI sends encrypted payloads here and shows what comes back, so a logged-in
operator reads workflow inputs and results while Temporal's database and everyone else see ciphertext.

Set the UI's codec endpoint to `<public url>/api/codec` with "include cross-origin credentials": the browser
sends the operator's session cookie. Only the UI's origin may read the answers (CORS), which is why these two
POSTs need no CSRF token: they change nothing, and no other site can read what they return."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from google.protobuf import json_format
from pydantic import BaseModel
from temporalio.api.common.v1 import Payloads

from api.auth import CurrentUser, require_role
from api.deps import SettingsDep
from core.payload_codec import EncryptionCodec, UnknownKey, parse_keys
from core.settings import Settings

router = APIRouter(tags=["codec"])
Operator = Annotated[CurrentUser, Depends(require_role("operator"))]


class CodecPayloads(BaseModel):
    """Temporal's payloads in protobuf JSON: each `{"metadata": {...}, "data": "<base64>"}`."""

    payloads: list[dict[str, Any]]


def _cors(settings: Settings) -> dict[str, str]:
    ui = urlsplit(settings.temporal.ui_url)
    return {
        "Access-Control-Allow-Origin": f"{ui.scheme}://{ui.netloc}",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "content-type, x-namespace",
        "Vary": "Origin",
    }


def _codec(settings: Settings) -> EncryptionCodec:
    if settings.temporal.payload_keys is None or not settings.temporal.payload_keys.get_secret_value():
        raise HTTPException(404, "payload encryption is off (RENUBU_PAYLOAD_KEYS is not set)")
    return EncryptionCodec(parse_keys(settings.temporal.payload_keys.get_secret_value()))


@router.options("/api/codec/{direction}", include_in_schema=False)
async def preflight(direction: Literal["decode", "encode"], settings: SettingsDep) -> Response:
    return Response(status_code=204, headers=_cors(settings))


@router.post("/api/codec/{direction}", response_class=Response, responses={200: {"model": CodecPayloads}})
async def codec(
    direction: Literal["decode", "encode"], request: Request, _user: Operator, settings: SettingsDep
) -> Response:
    """Temporal's codec server protocol: `{"payloads": [...]}` in protobuf JSON, both ways."""
    codec = _codec(settings)
    try:
        payloads = json_format.Parse(await request.body(), Payloads())
    except json_format.ParseError as exc:
        raise HTTPException(422, f"payloads: not Temporal's payload JSON ({exc})") from exc
    try:
        done = await (codec.decode if direction == "decode" else codec.encode)(payloads.payloads)
    except UnknownKey as exc:
        raise HTTPException(422, str(exc)) from exc
    body = json_format.MessageToJson(Payloads(payloads=done))
    return Response(body, media_type="application/json", headers=_cors(settings))
