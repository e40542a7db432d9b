"""The FHIR R4 export of a person: valid resources (checked with fhir.resources' R4B models),
references that resolve inside the Bundle, and nobody else's data (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from backfit.services import checkins, coaching, fhir_export, profiles
from backfit.store import NotFound
from backfit.store import repositories as repo
from backfit.store.database import Database
from backfit.store.models import CheckIn, PerformedSession, Profile, PsfsRating
from tests import factories as f

NOW = f.START + timedelta(weeks=4)


@pytest.fixture
def two_people(db: Database, test_data: f.TestData) -> Database:
    """ana (four weeks, a camera set) and ben (two weeks, a pain check-in of 9) in one database."""
    with db.unit_of_work() as session:
        f.realistic_history(session, test_data, weeks=4, name="ana")
        f.watched_by_camera(session, [f.fault(7.25)], name="ana")
        f.realistic_history(session, test_data, weeks=2, name="ben")
        checkins.record_pain_now(session, pain=9, now=NOW, name="ben")
    return db


def bundle(db: Database, test_data: f.TestData, name: str) -> dict[str, Any]:
    with db.unit_of_work() as session:
        made = fhir_export.person_bundle(session, name, catalog=test_data.catalog, now=NOW)
    return json.loads(json.dumps(made))  # as a file holds it


def resources(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference":
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def assert_valid(data: dict[str, Any]) -> None:
    """Each resource and the Bundle validate with fhir.resources; every reference is an entry."""
    assert data["resourceType"] == "Bundle"
    assert data["type"] == "collection"
    Bundle.model_validate(data)
    for entry in data["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(urls)) == len(urls)
    assert all(u.startswith("urn:uuid:") for u in urls)
    found = list(references(data))
    assert found
    assert set(found) <= set(urls), "every reference resolves inside the Bundle"


def stored(db: Database, name: str) -> dict[str, Any]:
    """What the database holds for the person, read directly."""
    with db.unit_of_work() as session:
        profile = repo.require_profile(session, name)
        performed = session.query(PerformedSession).filter_by(profile_id=profile.id).all()
        results = repo.results_of(session, [p.id for p in performed])
        return {
            "sessions": len(performed),
            "pains": sorted(
                [c.pain for c in session.query(CheckIn).filter_by(profile_id=profile.id)]
                + [r.pain_during for r in results if r.pain_during is not None]
            ),
            "psfs": sorted((r.activity, r.rating) for r in session.query(PsfsRating).filter_by(profile_id=profile.id)),
            "doses": sorted(p.in_words() for p in profiles.current_programme(session, name).prescriptions.values()),
        }


def test_a_person_bundle_is_valid_and_holds_only_that_person(two_people: Database, test_data: f.TestData) -> None:
    data = bundle(two_people, test_data, "ben")
    assert_valid(data)
    [patient] = resources(data, "Patient")
    assert patient["name"] == [{"text": "ben"}]
    assert "ana" not in json.dumps(data), "nothing of the other person"
    patient_url = next(e["fullUrl"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient")
    about = {r["subject"]["reference"] for k in ("Observation", "Procedure", "CarePlan") for r in resources(data, k)}
    assert about == {patient_url}
    ben = stored(two_people, "ben")
    observations = resources(data, "Observation")
    pain = [o for o in observations if o["code"]["coding"][0] == {**fhir_export.PAIN_NPRS}]
    assert [c["code"] for o in pain for c in o["code"]["coding"]] == ["72514-3"] * len(pain)
    assert all(c["system"] == "http://loinc.org" for o in pain for c in o["code"]["coding"])
    assert sorted(o["valueInteger"] for o in pain) == ben["pains"]
    assert 9 in ben["pains"]
    psfs = [o for o in observations if o not in pain]
    assert sorted((o["code"]["text"].split(": ", 1)[1], o["valueInteger"]) for o in psfs) == ben["psfs"]
    assert {c["system"] for o in psfs for c in o["code"]["coding"]} == {fhir_export.MEASURES}
    assert len(resources(data, "Procedure")) == ben["sessions"] == 6
    [plan] = resources(data, "CarePlan")
    assert plan["status"] == "active"
    assert sorted(a["detail"]["description"] for a in plan["activity"]) == ben["doses"]
    names = {a["detail"]["code"]["text"] for a in plan["activity"]}
    assert names <= {e.name for e in test_data.catalog.values()}
    done = resources(data, "Procedure")[0]
    assert done["status"] == "completed"
    assert done["note"], "the sets done, exercise by exercise"
    assert all(": " in n["text"] and "set" in n["text"] for n in done["note"])


def test_a_paused_programme_is_on_hold(two_people: Database, test_data: f.TestData) -> None:
    with two_people.unit_of_work() as session:
        ben = repo.require_profile(session, "ben")
        coaching.pause_programme(session, ben.id, None, reason="Pain spread down the leg.", now=NOW)
    [plan] = resources(bundle(two_people, test_data, "ben"), "CarePlan")
    assert plan["status"] == "on-hold"
    assert "Pain spread down the leg." in plan["note"][0]["text"]


def test_a_person_with_no_data_gives_a_valid_bundle(db: Database, test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        session.add(Profile(name="zoe", created_at=NOW))
    data = bundle(db, test_data, "zoe")
    Bundle.model_validate(data)
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Patient"]


def test_the_same_data_gives_the_same_ids_and_an_unknown_person_is_refused(
    two_people: Database, test_data: f.TestData
) -> None:
    assert bundle(two_people, test_data, "ana") == bundle(two_people, test_data, "ana")
    with pytest.raises(NotFound, match="nobody"), two_people.unit_of_work() as session:
        fhir_export.person_bundle(session, "nobody", catalog=test_data.catalog, now=NOW)
