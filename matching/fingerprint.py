"""What data kept between processes (the index's snapshot, the built taxonomy) was derived by:
the matching and parsing code and data, and the lemmatiser's version. Data with another
fingerprint is never read."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


@cache
def code_fingerprint() -> str:
    import simplemma

    digest = hashlib.sha256(simplemma.__version__.encode())
    here = Path(__file__).resolve().parent
    for root in (here, here.parent / "parsing"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
