"""Who plays which part in a commune's demo story (app/demo.py, app/reports/demo.py,
app/emulation/demo.py).

The story is written for Bình Lư: its unit slugs, its accounts, the targets it lags on.
A sample commune of the province demo (app/demo_province.py) plays the same story with its
own cast, read from its plan file: its villages, shuffled by its seed, take the parts of
Bản mẫu 01 … 06; its departments, office and Front the parts of Bình Lư's; its accounts
are Bình Lư's usernames behind the commune's code (`khonglao.ban01`); the seed also picks
which of its targets lag and moves the office's points a little, so no two communes score
alike. In a ward the story's words follow (tổ dân phố for bản, phường for xã).

Bình Lư's cast (BINH_LU) changes nothing, so its story stays what it was."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional

# the parts a commune's villages play, in Bình Lư's story
VILLAGE_PARTS = tuple(f"ban-mau-{n:02d}" for n in range(1, 7))
# the parts its other units play, and how a sample's plan names the unit when the slug differs:
# the unit of that kind, or the lead of that area
UNIT_PARTS = {"ubnd-xa": ("kind", "commune"), "van-phong": ("kind", "office"),
              "phong-kinh-te": ("area", "III.2"), "phong-vhxh": ("area", "III.3"),
              "trung-tam-hcc": ("kind", "service"), "tram-y-te": ("kind", "health"),
              "mttq": ("kind", "front")}
# the semantics whose figures the story can set lagging (a status, a reduction without its
# baseline, would not show it)
LAGGING_SEMANTICS = ("at_least", "at_most", "sum_flow", "latest_level", "count_of_total")
WARD_WORDS = ((re.compile(r"\bTrưởng bản\b"), "Tổ trưởng tổ dân phố"),
              (re.compile(r"\bBản văn hóa\b"), "Tổ dân phố văn hóa"),
              (re.compile(r"\bbản\b"), "tổ dân phố"),
              (re.compile(r"\bxã\b"), "phường"))


@dataclass(frozen=True)
class Cast:
    code: str = ""  # the usernames' prefix: "" for Bình Lư, "khonglao" → "khonglao.ban01"
    units: Mapping[str, str] = field(default_factory=dict)  # Bình Lư's slug → this commune's
    names: Mapping[str, str] = field(default_factory=dict)  # this commune's slug → unit name
    lagging: Optional[Mapping[str, str]] = None  # indicator code → "risk" / "off"; None: Bình Lư's
    points: Mapping[str, int] = field(default_factory=dict)  # a village part → the office's points
    # the villages beyond the six parts → the office's points for them (no part to play)
    extras: Mapping[str, int] = field(default_factory=dict)
    chair: str = ""  # the chair's name (the plan's signer)
    ward: bool = False

    def slug(self, part: str) -> str:
        return self.units.get(part, part)

    def username(self, name: str) -> str:
        return f"{self.code}.{name}" if self.code else name

    def say(self, text: str) -> str:
        """The story's words as this commune says them (a ward's tổ dân phố and phường)."""
        if self.ward:
            for pattern, words in WARD_WORDS:
                text = pattern.sub(words, text)
        return text


BINH_LU = Cast()


def code_of(slug: str) -> str:
    """A commune's code in its demo usernames: its slug without hyphens (khong-lao → khonglao)."""
    return slug.replace("-", "")


def cast_of(pf, slug: str, seed: int, village_points: Mapping[str, int]) -> Cast:
    """A sample commune's cast, from its plan file (app/plans/loader.py PlanFile)."""
    rng = random.Random(seed)  # nosec B311 - a repeatable demo story, no secret
    data = pf.data
    units = data["units"]
    villages = [u["slug"] for u in units if u["kind"] == "village"]
    if len(villages) < len(VILLAGE_PARTS):
        raise ValueError(f"{slug}: a sample commune needs {len(VILLAGE_PARTS)} villages")
    parts = dict(zip(VILLAGE_PARTS, rng.sample(villages, len(VILLAGE_PARTS))))
    slugs = {u["slug"] for u in units}
    leads = {a["code"]: a.get("lead", "") for a in data.get("areas", [])}
    for part, (how, what) in UNIT_PARTS.items():
        if part in slugs:
            continue
        found = leads.get(what) if how == "area" else next(
            (u["slug"] for u in units if u["kind"] == what), None)
        if found:
            parts[part] = found
    codes = [i["code"] for i in data.get("indicators", []) if i["semantics"] in LAGGING_SEMANTICS]
    lag = rng.sample(codes, 7)
    lagging = {**{c: "off" for c in lag[4:]}, **{c: "risk" for c in lag[:4]}}
    points = {part: max(0, min(20, p + rng.randint(-2, 2))) for part, p in village_points.items()}
    extras = {v: rng.randint(9, 16) for v in villages if v not in parts.values()}
    committee = (data.get("commune") or {}).get("committee", "")
    return Cast(code=code_of(slug), units=parts, names={u["slug"]: u["name"] for u in units},
                lagging=lagging, points=points, extras=extras, chair=data["plan"].get("signer_name", ""),
                ward="phường" in committee.lower())
