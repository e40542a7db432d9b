"""Where to put the camera for an exercise, from the catalog's camera data: the view the
analysis needs (that of its moving quantity), the body position, and what each view can check."""

from __future__ import annotations

from dataclasses import dataclass

from backfit.catalog.schema import QUANTITY_VIEWS, Exercise, Position, View

PLACE = {
    (View.side, "lying"): (
        "Put the phone or laptop on the floor or a low stool 2 to 3 metres to your side, at the height of your "
        "hips, turned sideways (landscape), so your whole body from head to feet is in the picture."
    ),
    (View.end, "lying"): (
        "Put the phone or laptop about 2 metres beyond your feet, at knee height, looking along your body, "
        "so both hips, knees and feet are in the picture."
    ),
    (View.side, "kneeling"): (
        "Put the phone or laptop on a chair 2 metres to your side, at the height of your hips, upright "
        "(portrait), so you are in the picture from head to knees."
    ),
    (View.end, "kneeling"): (
        "Put the phone or laptop on a chair 2 metres in front of you, at the height of your hips, so both hips "
        "and knees are in the picture."
    ),
    (View.side, "standing"): (
        "Put the phone or laptop on a table 2 to 3 metres to your side, at the height of your hips, upright "
        "(portrait), so you are in the picture from head to feet."
    ),
    (View.end, "standing"): (
        "Put the phone or laptop on a table 2 to 3 metres in front of you, at the height of your hips, so you "
        "are in the picture from head to feet."
    ),
}
POSTURE = {
    Position.supine: "lying",
    Position.prone: "lying",
    Position.kneeling: "kneeling",
    Position.half_kneeling: "kneeling",
    Position.standing: "standing",
}
VIEW_NAMES = {View.side: "from the side", View.end: "from the feet or head end"}


@dataclass(frozen=True)
class CameraSetup:
    """``view``: where the camera must look from; ``place``: how to set it up, in words;
    ``checks``: the cues it checks from there; ``elsewhere``: cues only the other view can check."""

    view: View
    place: str
    checks: tuple[str, ...]
    elsewhere: tuple[str, ...]

    @property
    def view_words(self) -> str:
        return VIEW_NAMES[self.view]


def camera_setup(exercise: Exercise) -> CameraSetup | None:
    """How to place the camera for ``exercise`` (None when the camera cannot follow it)."""
    if exercise.analysis is None:
        return None
    view = QUANTITY_VIEWS[exercise.analysis.signal]
    if exercise.analysis.march is not None:
        view = View.end  # foot lifts are followed from the feet end
    checks = tuple(c.text for c in exercise.camera_cues if c.camera is not None and c.camera.view is view)
    elsewhere = tuple(c.text for c in exercise.camera_cues if c.camera is not None and c.camera.view is not view)
    return CameraSetup(view, PLACE[(view, POSTURE[exercise.position])], checks, elsewhere)
