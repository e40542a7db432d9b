"""Reading, validating and keeping intake answers; building the programme."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from pydantic import ValidationError

from backfit.catalog import load_catalog
from backfit.plan import Intake, Programme, build_programme, default_programme_rules
from backfit.plan.rules import check_against_catalog


class InputError(ValueError):
    """Input that fails validation; the message says what was wrong."""


class NotFound(InputError):
    """A file or record that does not exist."""


def data_dir() -> Path:
    """Where backfit keeps a person's data (``BACKFIT_DATA_DIR`` overrides)."""
    return Path(os.environ.get("BACKFIT_DATA_DIR") or user_data_dir("backfit", appauthor=False))


def intake_file() -> Path:
    return data_dir() / "intake.json"


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field and what is wrong with it."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "answers"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def parse_intake(raw: Any, source: str) -> Intake:
    try:
        return Intake.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"{source}: {describe_validation_error(exc)}") from None


def read_answers(path: Path) -> Intake:
    """Intake answers from a JSON file: either the answers themselves or a
    file saved by ``backfit intake`` (answers under ``"answers"``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(raw, dict) and "answers" in raw and "saved_at" in raw:
        raw = raw["answers"]
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a JSON object of intake answers")
    return parse_intake(raw, str(path))


def save_answers(intake: Intake, path: Path | None = None) -> Path:
    """Keep the answers (atomically: a crash leaves the old file whole)."""
    path = path or intake_file()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    record = {
        "saved_at": now,
        "clearance_confirmed_at": now if intake.clearance_confirmed else None,
        "answers": intake.model_dump(mode="json"),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"cannot save the answers in {path.parent}: {exc.strerror or exc}") from None
    return path


def load_saved_answers() -> Intake:
    path = intake_file()
    if not path.exists():
        raise NotFound("no intake answers yet: run `backfit intake` first (or pass --answers FILE.json)")
    return read_answers(path)


def programme_for(intake: Intake) -> Programme:
    """The programme for ``intake`` from the packaged catalog and rules."""
    catalog, rules = load_catalog(), default_programme_rules()
    check_against_catalog(rules, catalog)
    return build_programme(intake, catalog, rules)
