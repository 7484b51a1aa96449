"""Build `resources/labels/karsl502.json` from KArSL's official label table.

    python -m training.labels_table [--source DIR] [--out FILE]

Reads KARSL-502_Labels.xlsx (needs openpyxl) or, failing that, KARSL-502_Labels.json.
The official table has no category column: categories follow KArSL's own sample folder
prefixes (01 numbers, 02 letters, 03 words) and topics follow the id ranges of the
KArSL paper's vocabulary groups.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from arsl_desktop import paths

TOPICS = [  # (first id, last id, category, topic)
    (1, 31, "numbers", "numbers"),
    (32, 70, "letters", "letters"),
    (71, 159, "words", "health"),
    (160, 191, "words", "verbs"),
    (192, 223, "words", "family"),
    (224, 272, "words", "characteristics"),
    (273, 288, "words", "directions"),
    (289, 298, "words", "social relations"),
    (299, 355, "words", "home"),
    (356, 458, "words", "religion"),
    (459, 502, "words", "jobs"),
]


def _topic(sign_id: int) -> tuple[str, str]:
    for lo, hi, cat, topic in TOPICS:
        if lo <= sign_id <= hi:
            return cat, topic
    raise ValueError(f"sign id {sign_id} outside 1..502")


def read_official(source: Path) -> list[tuple[int, str, str]]:
    xlsx = source / "KARSL-502_Labels.xlsx"
    try:
        import openpyxl

        ws = openpyxl.load_workbook(xlsx, read_only=True).active
        rows = [r for r in ws.iter_rows(values_only=True)][1:]
        return [(int(r[0]), str(r[1]).strip(), str(r[2]).strip()) for r in rows if r[0] is not None]
    except ImportError:
        data = json.loads((source / "KARSL-502_Labels.json").read_text(encoding="utf-8"))
        return [(i + 1, str(a).strip(), str(e).strip()) for i, (a, e) in enumerate(zip(data["AR_WORDS"], data["EN_WORDS"], strict=True))]


def build(source: Path) -> dict:
    signs = []
    for sign_id, ar, en in read_official(source):
        cat, topic = _topic(sign_id)
        signs.append({"id": sign_id, "ar": ar, "en": en, "category": cat, "topic": topic})
    if [s["id"] for s in signs] != list(range(1, 503)):
        raise SystemExit("official table does not list ids 1..502 in order")
    return {
        "source": "KArSL-502 official label table (KARSL-502_Labels.xlsx); Sidig et al., ACM TALLIP 20(1), 2021",
        "signs": signs,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=paths.sample_dir())
    ap.add_argument("--out", type=Path, default=paths.labels_file())
    args = ap.parse_args(argv)
    if args.source is None:
        raise SystemExit("No KArSL folder: pass --source or set ARSL_SAMPLE_DIR")
    table = build(args.source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(table['signs'])} signs to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
