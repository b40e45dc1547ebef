"""Solara's browser-side files, installed from the npm registry so the dashboard works offline.

Solara's page loads its JavaScript and CSS (the Vuetify app, RequireJS, Font Awesome) from
a CDN through its own server, which caches every file under ``<venv>/share/solara/cdn/``.
Machines without access to that CDN (CI here, an air-gapped laptop) would show a blank page.
Unpacking the same npm packages into that cache makes the server answer from disk; nothing
else changes.

Run ``python -m abm.dashboard.assets`` (``make test`` does) to install what is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: The npm packages (exact versions) that solara 1.64's page requests.
#: The browser test fails on any asset request the server cannot answer, so a solara upgrade
#: that needs other versions shows up there.
PACKAGES = (
    "@widgetti/solara-vuetify3-app@5.2.0",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
)


def cache_dir() -> Path:
    """Where solara's server looks for CDN files before it tries the network."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def missing(root: Path | None = None) -> list[str]:
    """Packages of ``PACKAGES`` not yet unpacked under the cache."""
    root = cache_dir() if root is None else root
    return [spec for spec in PACKAGES if not (root / spec / "package.json").is_file()]


def install(root: Path | None = None, *, timeout: float = 300) -> list[str]:
    """Fetch each missing package with ``npm pack`` and unpack it under the cache.

    A package is unpacked into a temporary folder and renamed into place, so an interrupted
    run never leaves a half-filled folder that would later pass for installed.
    Returns the packages it installed.
    """
    root = cache_dir() if root is None else root
    todo = missing(root)
    if not todo:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed to install the dashboard's web assets offline "
            f"({', '.join(todo)}); install Node.js/npm or give the machine CDN access"
        )
    with tempfile.TemporaryDirectory() as tmp:
        for spec in todo:
            subprocess.run(
                [npm, "pack", spec, "--silent", "--pack-destination", tmp],
                check=True,
                timeout=timeout,
                stdout=subprocess.DEVNULL,
            )
            tarball = _tarball_for(spec, Path(tmp))
            target = root / spec
            staging = Path(tempfile.mkdtemp(dir=tmp))
            with tarfile.open(tarball) as tar:
                tar.extractall(staging, filter="data")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(staging / "package"), str(target))
    return todo


def _tarball_for(spec: str, folder: Path) -> Path:
    """npm names the tarball of ``@scope/name@1.2.3`` as ``scope-name-1.2.3.tgz``."""
    name, _, version = spec.rpartition("@")
    path = folder / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not path.is_file():
        raise RuntimeError(f"npm pack {spec} did not write {path.name}")
    return path


def main() -> int:
    done = install()
    where = cache_dir()
    if done:
        print(f"installed {', '.join(done)} into {where}")
    else:
        print(f"dashboard web assets already in {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
