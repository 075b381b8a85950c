"""Users, passwords (argon2) and API keys (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiKey, User
from db.models.base import utcnow

_hasher = PasswordHasher()
API_KEY_PREFIX = "rnb_"
DEMO_PASSWORD = "renubu-demo"  # noqa: S105 - the local demo login, printed by `./dev up`
DEMO_DOMAIN = "@renubu.demo"  # every seeded demo user (manager, operator, the sandbox's CSMs)


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


async def csms(session: AsyncSession) -> list[User]:
    return list(
        await session.scalars(select(User).where(User.role == "csm", User.active.is_(True)).order_by(User.name))
    )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, user: User, name: str) -> str:
    """Returns the key once; only its digest is kept."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(user_id=user.id, name=name, prefix=key[:12], key_hash=_digest(key)))
    await session.flush()
    return key


async def user_for_api_key(session: AsyncSession, key: str) -> User | None:
    api_key = await session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key), ApiKey.revoked.is_(False)))
    if api_key is None:
        return None
    api_key.last_used_at = utcnow()
    user = await session.get(User, api_key.user_id)
    return user if user is not None and user.active else None


_DUMMY_HASH = _hasher.hash("not-a-real-password")
