"""The programme as a printable PDF handout (A4): when and what, the safety rules, then
each exercise with its figure (a static key pose), dose in words, steps, cues and notes.

Figures are SVG drawn by the caller's ``figure`` function (the web layer's
illustration), so this module stays free of the web layer. Text is set in DejaVu
Sans, the TrueType font matplotlib ships, so every character prints.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

import matplotlib
from fpdf import FPDF
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Exercise
from backfit.services import profiles
from backfit.services.programmes import PlannedItemRead, ProgrammeDayRead, ProgrammeRead, programme_read
from backfit.services.safety import DISCLAIMER, PAIN_RULES, RED_FLAG_SIGNS, RED_FLAGS_INTRO
from backfit.services.schedule import ScheduleChoice, day_list, schedule_for

FigureSvg = Callable[[Exercise], str]
"""An exercise -> an SVG document of its key pose ("" for none)."""

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
INK = (31, 42, 55)
MUTED = (90, 100, 115)
WARN = (150, 60, 0)
LINE_MM = 5.2
FIGURE_W_MM = 72.0
FIGURE_H_MM = FIGURE_W_MM * 3 / 4


@dataclass(frozen=True)
class HandoutContent:
    """What the handout says: the programme as read for people, its schedule and who it is for."""

    programme: ProgrammeRead
    schedule: ScheduleChoice
    profile: str
    made_on: date


def same_sessions(days: Sequence[ProgrammeDayRead]) -> list[tuple[list[str], ProgrammeDayRead]]:
    """Days with the same exercises and doses, together: (weekday codes, the day)."""
    groups: dict[tuple[object, ...], tuple[list[str], ProgrammeDayRead]] = {}
    for day in days:
        key = (*((i.exercise_id, i.dose, i.stopped) for i in day.items), day.minutes)
        groups.setdefault(key, ([], day))[0].append(day.weekday)
    return list(groups.values())


def exercises_in_order(programme: ProgrammeRead) -> list[PlannedItemRead]:
    """Each exercise of the week once, in the order a session meets it."""
    seen: dict[str, PlannedItemRead] = {}
    for day in programme.days:
        for item in day.items:
            seen.setdefault(item.exercise_id, item)
    return list(seen.values())


class _Handout(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_title("Your backfit programme")
        self.set_creator("backfit")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 3.6, f"{DISCLAIMER}   Page {self.page_no()} of {{nb}}", align="C")

    def heading(self, text: str, size: float = 14) -> None:
        self.set_font(FONT, "B", size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def para(self, text: str, *, size: float = 10, style: str = "", color: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(0, LINE_MM, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def items(self, texts: Sequence[str], *, numbered: bool = False, size: float = 10, indent: float = 0) -> None:
        """A list whose wrapped lines stay under their text."""
        self.set_font(FONT, "", size)
        self.set_text_color(*INK)
        for number, text in enumerate(texts, 1):
            marker = f"{number}." if numbered else "•"
            left = self.l_margin + indent
            self.set_x(left)
            self.cell(6, LINE_MM, marker)
            self.multi_cell(self.epw - indent - 6, LINE_MM, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def safety_box(self) -> None:
        self.set_draw_color(*WARN)
        self.set_line_width(0.6)
        top = self.get_y()
        self.ln(2)
        self.heading("Safety: read this first", 12)
        self.para(DISCLAIMER, style="B")
        self.ln(1)
        self.para("Pain rules", style="B")
        self.items(PAIN_RULES)
        self.ln(1)
        self.para(RED_FLAGS_INTRO, style="B")
        self.items(list(RED_FLAG_SIGNS.values()))
        self.ln(2)
        self.line(self.l_margin - 3, top, self.l_margin - 3, self.get_y())


def _overview(pdf: _Handout, content: HandoutContent) -> None:
    programme = content.programme
    pdf.heading("Your backfit programme", 20)
    who = "" if content.profile == profiles.DEFAULT_PROFILE else f"For {content.profile}. "
    pdf.para(f"{who}Made on {content.made_on:%d %B %Y}. Keep it where you exercise.", color=MUTED)
    pdf.ln(2)
    pdf.para(f"When: {content.schedule.describe()}.", style="B")
    pdf.items(programme.reasons)
    for weekdays, day in same_sessions(programme.days):
        pdf.ln(3)
        minutes = sum(i.minutes for i in day.items if not i.stopped)
        pdf.heading(f"{day_list(weekdays)}: about {minutes:.0f} minutes", 12)
        lines = [
            f"{i.name}: {i.dose_words}" + (" (stopped until a clinician has advised you)" if i.stopped else "")
            for i in day.items
        ]
        pdf.items(lines, numbered=True)
        for note in day.notes:
            pdf.para(note, size=9, color=MUTED)
    pdf.ln(4)
    pdf.safety_box()


def _exercise(pdf: _Handout, item: PlannedItemRead, exercise: Exercise, figure: FigureSvg) -> None:
    """One exercise, on one page when it fits there (a trial rendering decides)."""
    with pdf.offset_rendering() as trial:
        _draw_exercise(cast(_Handout, trial), item, exercise, figure)  # the recorder forwards every call
    if trial.page_break_triggered:
        pdf.add_page()
    _draw_exercise(pdf, item, exercise, figure)


_VIEWBOX = re.compile(r'<svg([^>]*?) viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"([^>]*)>(.*)</svg>\s*$', re.S)


def _origin_at_zero(svg: str) -> str:
    """The figure with its view box moved to (0, 0): fpdf2 draws a view box that starts elsewhere
    away from its place (the page's figures are cropped to the body, so theirs rarely start at 0)."""
    match = _VIEWBOX.match(svg.strip())
    if match is None:
        return svg
    before, x, y, w, h, after, body = match.groups()
    return (
        f'<svg{before} viewBox="0 0 {w} {h}"{after}><g transform="translate({-float(x):g} {-float(y):g})">'
        f"{body}</g></svg>"
    )


def _draw_exercise(pdf: _Handout, item: PlannedItemRead, exercise: Exercise, figure: FigureSvg) -> None:
    pdf.heading(exercise.name, 14)
    top = pdf.get_y()
    svg = figure(exercise)
    text_x = pdf.l_margin
    if svg:
        pdf.image(io.BytesIO(_origin_at_zero(svg).encode("utf-8")), x=pdf.l_margin, y=top, w=FIGURE_W_MM, h=FIGURE_H_MM)
        text_x = pdf.l_margin + FIGURE_W_MM + 6
    pdf.set_xy(text_x, top)
    width = pdf.w - pdf.r_margin - text_x
    pdf.set_font(FONT, "B", 10.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width, LINE_MM, f"Dose: {item.dose_words}", new_x="LEFT", new_y="NEXT", align="L")
    pdf.ln(1)
    pdf.set_font(FONT, "", 9.5)
    equipment = [e.value for e in exercise.equipment if e.value != "none"]
    details = [
        f"Position: {exercise.position.value.replace('-', ' ')}",
        f"Equipment: {', '.join(equipment) if equipment else 'none'}",
        f"Works: {', '.join(exercise.targets)}",
        f"Why: {item.reason}",
    ]
    for line in details:
        pdf.set_x(text_x)
        pdf.multi_cell(width, LINE_MM, line, new_x="LEFT", new_y="NEXT", align="L")
    if item.stopped:
        pdf.set_x(text_x)
        pdf.set_text_color(*WARN)
        pdf.multi_cell(width, LINE_MM, "Stopped: do not do it until a clinician has advised you.", align="L")
    pdf.set_y(max(pdf.get_y(), top + (FIGURE_H_MM if svg else 0)) + 2)
    pdf.para("How to do it", style="B")
    pdf.items(exercise.steps, numbered=True)
    pdf.para("Cues", style="B")
    pdf.items([c.text for c in exercise.cues])
    if exercise.faults:
        pdf.para("Common faults", style="B")
        pdf.items([f"{f.text} Fix: {f.fix}" for f in exercise.faults])
    if exercise.safety:
        pdf.para("Safety", style="B", color=WARN)
        pdf.items(exercise.safety)
    pdf.ln(6)


def handout_pdf(content: HandoutContent, catalog: Catalog, figure: FigureSvg) -> bytes:
    """The handout as PDF bytes."""
    pdf = _Handout()
    pdf.add_page()
    _overview(pdf, content)
    pdf.add_page()
    pdf.heading("The exercises", 18)
    for item in exercises_in_order(content.programme):
        exercise = catalog.get(item.exercise_id)
        if exercise is not None:
            _exercise(pdf, item, exercise, figure)
    return bytes(pdf.output())


def programme_handout(
    session: Session,
    name: str,
    *,
    catalog: Catalog,
    transition_s: float,
    figure: FigureSvg,
    today: date,
) -> bytes:
    """The current programme of the person ``name`` as a handout; raises ``profiles.NoProgramme`` (no
    programme, or a red flag blocks it) or ``NotFound`` (no such profile)."""
    view = profiles.current_programme(session, name)
    content = HandoutContent(
        programme=programme_read(view, catalog, transition_s),
        schedule=schedule_for(session, name).choice,
        profile=name,
        made_on=today,
    )
    return handout_pdf(content, catalog, figure)
