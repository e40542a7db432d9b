"""Load and validate the exercise catalog from its TOML data files."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from backfit.catalog.schema import Equipment, Exercise, ExerciseFile, Family, Keyframe, KeyframesFile, Kind, Position

DATA_DIR = Path(__file__).with_name("data")


class CatalogError(ValueError):
    """A data file is malformed or the catalog is inconsistent."""


def _field_path(loc: Iterable[int | str]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def parse_exercise_file(path: Path) -> Exercise:
    """Parse one exercise file; errors name the file, the record and the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path.name}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path.name}: not valid TOML: {exc}") from exc
    record = raw.get("exercise", {}).get("id", "?") if isinstance(raw.get("exercise"), dict) else "?"
    try:
        return ExerciseFile.model_validate(raw).exercise
    except ValidationError as exc:
        problems = "; ".join(f"field {_field_path(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"{path.name}: exercise '{record}': {problems}") from exc


@dataclass(frozen=True)
class Catalog(Mapping[str, Exercise]):
    """The exercises by id, with ladder navigation."""

    exercises: dict[str, Exercise]

    def __getitem__(self, key: str) -> Exercise:
        return self.exercises[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def __hash__(self) -> int:
        return id(self)

    def suggestions(self, wrong: str, limit: int = 3) -> list[str]:
        """Ids close to a mistyped id, name or alias (difflib ratio 0.6 or more), closest first."""
        wanted = "-".join(wrong.strip().lower().replace("_", " ").split())
        spellings: dict[str, str] = {}
        for ex in self.exercises.values():
            for spelling in (ex.id, ex.name, *ex.aliases):
                spellings.setdefault("-".join(spelling.lower().split()), ex.id)
        found: list[str] = []
        for match in difflib.get_close_matches(wanted, spellings, n=limit * 3, cutoff=0.6):
            if spellings[match] not in found:
                found.append(spellings[match])
        return found[:limit]

    def did_you_mean(self, wrong: str) -> str:
        """ "did you mean 'x'?" (with other close ids) for a mistyped id, or "" when none is close."""
        close = self.suggestions(wrong)
        if not close:
            return ""
        others = f" (also close: {', '.join(repr(c) for c in close[1:])})" if len(close) > 1 else ""
        return f"did you mean {close[0]!r}?{others}"

    def unknown_id_message(self, exercise_id: str) -> str:
        """ "unknown exercise id 'x'", with "did you mean ...?" when some id is close."""
        hint = self.did_you_mean(exercise_id)
        return f"unknown exercise id {exercise_id!r}" + (f": {hint}" if hint else "")

    def get_or_raise(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise CatalogError(f"{self.unknown_id_message(exercise_id)} (`backfit exercises` lists them)") from None

    def ladder(self, family: Family) -> list[Exercise]:
        """The family's exercises from easiest to hardest."""
        return sorted((e for e in self.exercises.values() if e.ladder.family is family), key=lambda e: e.ladder.step)

    def filter(
        self,
        *,
        equipment: Equipment | None = None,
        position: Position | None = None,
        kind: Kind | None = None,
        family: Family | None = None,
    ) -> list[Exercise]:
        """Exercises matching every given criterion, in ladder order.

        ``equipment`` keeps the exercises that use that piece of equipment
        (``none``: the ones that need nothing)."""
        out = []
        for ex in self.exercises.values():
            if equipment is not None and equipment not in ex.equipment:
                continue
            if position is not None and ex.position is not position:
                continue
            if kind is not None and ex.kind is not kind:
                continue
            if family is not None and ex.ladder.family is not family:
                continue
            out.append(ex)
        return sorted(out, key=lambda e: (e.ladder.family.value, e.ladder.step))

    def easier(self, exercise_id: str, owned: frozenset[Equipment] | None = None) -> Exercise | None:
        return self._walk(exercise_id, "easier", owned)

    def harder(self, exercise_id: str, owned: frozenset[Equipment] | None = None) -> Exercise | None:
        return self._walk(exercise_id, "harder", owned)

    def _walk(self, exercise_id: str, direction: str, owned: frozenset[Equipment] | None) -> Exercise | None:
        """Follow ladder links, skipping steps that need equipment not owned."""
        current = self.get_or_raise(exercise_id)
        while True:
            link = getattr(current.ladder, direction)
            if link is None:
                return None
            current = self.exercises[link]
            if owned is None or current.needs <= owned:
                return current


def validate_links(exercises: dict[str, Exercise]) -> None:
    """Every ladder link resolves, links are mutual, no cycles, steps ascend, one ladder per family."""
    for ex in exercises.values():
        for direction, back in (("easier", "harder"), ("harder", "easier")):
            link = getattr(ex.ladder, direction)
            if link is None:
                continue
            other = exercises.get(link)
            if other is None:
                raise CatalogError(f"{ex.id}.toml: exercise '{ex.id}': field ladder.{direction}: unknown id '{link}'")
            if getattr(other.ladder, back) != ex.id:
                raise CatalogError(
                    f"{ex.id}.toml: exercise '{ex.id}': field ladder.{direction}: "
                    f"'{link}' does not link back ({back} = {getattr(other.ladder, back)!r})"
                )
            if other.ladder.family is not ex.ladder.family:
                raise CatalogError(
                    f"{ex.id}.toml: exercise '{ex.id}': field ladder.{direction}: '{link}' is in another family"
                )
    for ex in exercises.values():
        seen = {ex.id}
        current = ex
        while current.ladder.harder is not None:
            current = exercises[current.ladder.harder]
            if current.id in seen:
                raise CatalogError(f"{ex.id}.toml: exercise '{ex.id}': field ladder: cycle through '{current.id}'")
            seen.add(current.id)
    for ex in exercises.values():
        harder = exercises[ex.ladder.harder] if ex.ladder.harder is not None else None
        if harder is not None and harder.ladder.step <= ex.ladder.step:
            raise CatalogError(f"{ex.id}.toml: exercise '{ex.id}': field ladder.step: not ordered with '{harder.id}'")
    easiest: dict[Family, list[str]] = {}
    for ex in exercises.values():
        if ex.ladder.easier is None:
            easiest.setdefault(ex.ladder.family, []).append(ex.id)
    for family, ids in easiest.items():
        if len(ids) > 1:
            raise CatalogError(
                f"{ids[1]}.toml: exercise '{ids[1]}': field ladder.easier: family '{family.value}' must be one ladder, "
                f"but {', '.join(repr(i) for i in ids)} all have no easier step"
            )


def parse_keyframes_file(path: Path, exercise_id: str) -> list[Keyframe]:
    """The illustration keyframes of one exercise (``[[keyframes]]`` tables)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return KeyframesFile.model_validate(raw).keyframes
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"keyframes/{path.name}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"field {_field_path(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"keyframes/{path.name}: exercise '{exercise_id}': {problems}") from exc


def load_catalog_from(directory: Path) -> Catalog:
    """Load every ``*.toml`` in ``directory``; the file name must be the id.

    An exercise's illustration keyframes, generated data rather than prose, live
    beside it in ``keyframes/<id>.toml`` and are merged into the record."""
    exercises: dict[str, Exercise] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogError(f"{directory}: no exercise files")
    for path in files:
        ex = parse_exercise_file(path)
        if path.stem != ex.id:
            raise CatalogError(f"{path.name}: exercise '{ex.id}': field id: must match the file name '{path.stem}'")
        figure = directory / "keyframes" / path.name
        if figure.exists():
            ex = ex.model_copy(update={"keyframes": parse_keyframes_file(figure, ex.id)})
        exercises[ex.id] = ex
    orphans = sorted(p.stem for p in (directory / "keyframes").glob("*.toml") if p.stem not in exercises)
    if orphans:
        raise CatalogError(f"keyframes/{orphans[0]}.toml: no exercise with the id '{orphans[0]}'")
    validate_links(exercises)
    return Catalog(exercises)


@cache
def load_catalog() -> Catalog:
    """The packaged catalog (loaded and validated once per process)."""
    return load_catalog_from(DATA_DIR)
