"""Installs the pinned front-end libraries from the npm registry into
web/static/vendor, straight from package-lock.json (no Node.js needed).

Each tarball is checked against the lock file's SHA-512 integrity before use.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "web" / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"
# package -> files to copy (paths inside the tarball, under package/)
FILES = {
    "htmx.org": ["dist/htmx.min.js"],
    "htmx-ext-sse": ["dist/sse.min.js"],
    # The UMD build bundles its one dependency (@kurkle/color), so that is locked but not copied.
    "chart.js": ["dist/chart.umd.min.js"],
}


def _verify(data: bytes, integrity: str, name: str) -> None:
    algo, _, expected = integrity.partition("-")
    if algo != "sha512":
        raise SystemExit(f"{name}: unsupported integrity algorithm {algo}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"{name}: integrity check failed (tarball does not match package-lock.json)")


def install() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    stamp = VENDOR / ".lock-sha256"
    lock_hash = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == lock_hash:
        return
    VENDOR.mkdir(parents=True, exist_ok=True)
    for name, paths in FILES.items():
        entry = lock["packages"][f"node_modules/{name}"]
        url = entry.get("resolved") or f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{entry['version']}.tgz"
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (the npm registry)
            data = response.read()
        _verify(data, entry["integrity"], name)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for path in paths:
                member = tar.extractfile(f"package/{path}")
                if member is None:
                    raise SystemExit(f"{name}: {path} missing from the tarball")
                with (VENDOR / Path(path).name).open("wb") as out:
                    shutil.copyfileobj(member, out)
        print(f"vendor: {name}@{entry['version']} verified and installed", file=sys.stderr)
    stamp.write_text(lock_hash)


if __name__ == "__main__":
    install()
