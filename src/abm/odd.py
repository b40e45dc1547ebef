"""Keep the ODD parameter tables in ``docs/ODD.md`` generated from the code.

The tables sit between ``<!-- params:NAME:begin -->`` and ``<!-- params:NAME:end -->``
markers; ``python -m abm.odd`` rewrites them and a test fails when they are stale, so the
documentation of every parameter (meaning, unit, default, range, source) cannot drift from
the declarations the model validates against.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from abm import catalog
from abm.params import ParamSet, markdown_table
from abm.priors import prior_table

ODD_PATH = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"


def tables() -> dict[str, str]:
    """Marker name -> Markdown table, for every built-in model of the catalogue: one table
    per parameter group (``<model>-<group>``), or one (``<model>``) for an ungrouped set."""
    out: dict[str, str] = {}
    for entry in catalog.BUILTIN:
        groups: dict[str, list] = {}
        for p in entry.params:
            groups.setdefault(p.group, []).append(p)
        if set(groups) == {""}:
            out[entry.name] = markdown_table(entry.params)
            continue
        for g, ps in groups.items():
            out[f"{entry.name}-{g or 'other'}"] = markdown_table(ParamSet(ps))
        priors = entry.priors()
        if priors is not None:
            out[f"{entry.name}-priors"] = prior_table(priors, entry.params)
    return out


def render(text: str) -> str:
    """Return ``text`` with every marked table replaced by its generated version."""
    generated = tables()
    found = set(re.findall(r"<!-- params:([\w-]+):begin -->", text))
    missing = sorted(set(generated) - found)
    if missing:
        raise ValueError(f"docs/ODD.md lacks table markers for: {', '.join(missing)}")
    for name, table in generated.items():
        tag = re.escape(name)
        pattern = re.compile(
            rf"(<!-- params:{tag}:begin -->\n).*?(<!-- params:{tag}:end -->)", re.S
        )
        text = pattern.sub(lambda m, t=table: m.group(1) + t + "\n" + m.group(2), text)
    return text


def main() -> int:
    text = ODD_PATH.read_text()
    new = render(text)
    if new != text:
        ODD_PATH.write_text(new)
        print(f"updated the parameter tables in {ODD_PATH}")
    else:
        print(f"{ODD_PATH} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
