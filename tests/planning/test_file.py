"""The planning file: saved as JSON or in a team's SQLite mirror, read back by path or URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from agilemarketing.errors import MirrorError, NotFound, SerializationError
from agilemarketing.mirror import Mirror
from agilemarketing.planning.file import PlanningFile, load, save
from agilemarketing.planning.guidepoint import Guidepoint


def test_a_planning_document_in_a_mirror_file_is_replaced_and_read_by_url(
    tmp_path: Path, pipeline_guidepoint: Guidepoint
) -> None:
    gp = pipeline_guidepoint
    db = tmp_path / "team.db"
    PlanningFile("Old name", gp).save_to_mirror(db)
    PlanningFile("Team", gp).save_to_mirror(db)
    PlanningFile("Other team", gp).save_to_mirror(db, name="other")
    assert load(f"mirror:{db}") == PlanningFile("Team", gp)
    assert PlanningFile.from_mirror(db, name="other").team == "Other team"
    with pytest.raises(NotFound, match="planning document named 'q3'"):
        PlanningFile.from_mirror(db, name="q3")
    with pytest.raises(MirrorError, match="no mirror database"):
        load(f"mirror:{tmp_path / 'missing.db'}")


def test_a_broken_planning_document_names_the_mirror_and_the_json_path(tmp_path: Path) -> None:
    with Mirror(tmp_path / "team.db") as mirror:
        with mirror.transaction():
            mirror.save_document("planning", '{"team": 5}')
        with pytest.raises(SerializationError, match=r"document planning, \$\.team"):
            PlanningFile.from_mirror(mirror)


def test_save_and_load_a_planning_file(tmp_path: Path, pipeline_guidepoint: Guidepoint) -> None:
    gp = pipeline_guidepoint
    path = save(PlanningFile("Team", gp), tmp_path / "plan.json")
    assert load(path) == PlanningFile("Team", gp)
    assert path.read_text(encoding="utf-8").startswith("{\n")
