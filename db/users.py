"""Users, passwords (argon2) and API keys (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiKey, User
from db.models.base import utcnow

_hasher = PasswordHasher()
API_KEY_PREFIX = "rnb_"
DEMO_PASSWORD = "renubu-demo"  # noqa: S105 - the local demo login, printed by `./dev up`
DEMO_DOMAIN = "@renubu.demo"
API_KEY_TTL_DAYS = 90  # every seeded demo user (manager, operator, the sandbox's CSMs)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


async def by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.strip().lower()))


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    user = await by_email(session, email)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)  # same cost whether or not the user exists
        return None
    return user if verify_password(user.password_hash, password) else None


async def ensure_user(
    session: AsyncSession, *, email: str, name: str, role: str, password: str, experience: str | None = None
) -> User:
    """Create the user if missing (idempotent seeding); existing users are left as they are."""
    user = await by_email(session, email)
    if user is None:
        user = User(
            email=email.strip().lower(),
            name=name,
            role=role,
            experience=experience,
            password_hash=hash_password(password),
        )
        session.add(user)
        await session.flush()
    return user


async def demo_users(session: AsyncSession) -> list[str]:
    """Active demo accounts (known password): production refuses to start while any exists."""
    rows = await session.scalars(
        select(User.email).where(User.active.is_(True), User.email.endswith(DEMO_DOMAIN)).order_by(User.email)
    )
    return list(rows)


def new_password() -> str:
    """A generated password, shown to whoever asked for it once."""
    return secrets.token_urlsafe(18)


async def create_user(
    session: AsyncSession, *, email: str, name: str, role: str, experience: str | None = None
) -> tuple[User, str]:
    """A new user with a generated password (returned once)."""
    if await by_email(session, email) is not None:
        raise ValueError(f"a user {email.strip().lower()!r} already exists")
    password = new_password()
    user = User(email=email.strip().lower(), name=name, role=role, experience=experience)
    user.password_hash = hash_password(password)
    session.add(user)
    await session.flush()
    return user, password


async def reset_password(session: AsyncSession, user: User) -> str:
    """A new generated password (returned once); every session of the user ends."""
    password = new_password()
    user.password_hash = hash_password(password)
    await end_sessions(session, user)
    return password


async def disable(session: AsyncSession, user: User) -> None:
    """No login, no session and no API key of this user works any more."""
    user.active = False
    await end_sessions(session, user)


async def end_sessions(session: AsyncSession, user: User) -> None:
    """Every session cookie issued to `user` so far stops working."""
    user.session_version += 1
    await session.flush()


async def refusal(session: AsyncSession, email: str, role: str, roles: list[str]) -> str | None:
    """None when `email` is an enabled user whose role is `role` and one of `roles`; else why not. A payload
    sent straight to Temporal can claim any role: this is what the claim is checked against."""
    user = await by_email(session, email)
    if user is None or not user.active:
        return f"{email[:200]!r} is not an enabled user"
    if user.role != role:
        return f"{user.email} is a {user.role}, not a {role}"
    if user.role not in roles:
        return f"a {user.role} cannot do this (needs: {', '.join(roles)})"
    return None


async def csms(session: AsyncSession) -> list[User]:
    return list(
        await session.scalars(select(User).where(User.role == "csm", User.active.is_(True)).order_by(User.name))
    )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, user: User, name: str, ttl_days: int = API_KEY_TTL_DAYS) -> str:
    """Returns the key once; only its digest is kept. It expires after `ttl_days`."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=ttl_days)
    session.add(ApiKey(user_id=user.id, name=name, prefix=key[:12], key_hash=_digest(key), expires_at=expires))
    await session.flush()
    return key


async def api_keys(session: AsyncSession, email: str | None = None) -> list[tuple[ApiKey, str]]:
    """Every key (revoked and expired too) with its user's email, newest first."""
    query = select(ApiKey, User.email).join(User, User.id == ApiKey.user_id).order_by(ApiKey.id.desc())
    if email:
        query = query.where(User.email == email.strip().lower())
    return [(key, user_email) for key, user_email in (await session.execute(query)).all()]


async def revoke_api_key(session: AsyncSession, key_id: int) -> ApiKey | None:
    api_key = await session.get(ApiKey, key_id)
    if api_key is not None:
        api_key.revoked = True
        await session.flush()
    return api_key


async def user_for_api_key(session: AsyncSession, key: str) -> User | None:
    api_key = await session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key), ApiKey.revoked.is_(False)))
    if api_key is None or (api_key.expires_at is not None and api_key.expires_at <= utcnow()):
        return None
    api_key.last_used_at = utcnow()
    user = await session.get(User, api_key.user_id)
    return user if user is not None and user.active else None


_DUMMY_HASH = _hasher.hash("not-a-real-password")
