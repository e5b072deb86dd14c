"""Scored measures: the CSI-4 scored as its authors describe, checked against sums done by hand; the
trend with its cutoff line on the couple page and in the prep packet."""
import pytest
from sqlalchemy import select

from helpers import save_section, submit
from support import LIBRARY, pdf_text, signed_in
from therapist_app.engine.loader import WorksheetError, load_file, load_text
from therapist_app.engine.scoring import score_of
from therapist_app.extensions import session as db_session
from therapist_app.models import Response

CSI4 = load_file(LIBRARY / "couples-satisfaction-index.yaml").definition


def _answers(**values):
    return {"values": values, "states": {}}


# Worked by hand from Funk & Rogge (2007): item 1 counts 0-6, items 2-4 count 0-5, the total is the sum.
HAND_SCORED = [
    # happy 3 + mostly true 3 + somewhat 2 + mostly 3 = 11: below the 13.5 cutoff
    (dict(csi_happiness="happy", csi_warm="mostly_true", csi_rewarding="somewhat", csi_satisfied="mostly"), 11),
    # very happy 4 + almost completely true 4 + mostly 3 + almost completely 4 = 15: above it
    (dict(csi_happiness="very_happy", csi_warm="almost_completely_true", csi_rewarding="mostly",
          csi_satisfied="almost_completely"), 15),
    # perfect 6 + completely true 5 + completely 5 + completely 5 = 21, the top
    (dict(csi_happiness="perfect", csi_warm="completely_true", csi_rewarding="completely",
          csi_satisfied="completely"), 21),
    # extremely unhappy 0 + not at all true 0 + not at all 0 + not at all 0 = 0, the bottom
    (dict(csi_happiness="extremely_unhappy", csi_warm="not_at_all_true", csi_rewarding="not_at_all",
          csi_satisfied="not_at_all"), 0),
    # a little unhappy 2 + a little true 1 + a little 1 + somewhat 2 = 6
    (dict(csi_happiness="a_little_unhappy", csi_warm="a_little_true", csi_rewarding="a_little",
          csi_satisfied="somewhat"), 6),
]


@pytest.mark.parametrize("values, expected", HAND_SCORED)
def test_the_csi4_scores_match_sums_worked_by_hand(values, expected):
    score = score_of(CSI4, _answers(**values))
    assert score.value == expected and score.name == "CSI-4"
    assert (score.minimum, score.maximum, score.cutoff) == (0, 21, 13.5)


def test_a_skipped_item_gives_no_score_rather_than_a_lower_one():
    values = dict(HAND_SCORED[1][0])
    del values["csi_satisfied"]
    assert score_of(CSI4, _answers(**values)) is None
    skipped = {"values": dict(HAND_SCORED[1][0]), "states": {"csi_satisfied": "skipped"}}
    assert score_of(CSI4, skipped) is None


SCORED = """slug: scored
title: Scored
purpose: A scored worksheet.
estimated_minutes: 2
stage: 0
scoring: {method: sum_of_points, name: T, items: [a], minimum: 0, maximum: MAX}
sections:
  - id: one
    title: One
    fields:
      - id: a
        type: single_choice
        label: Pick
        options:
          - {value: low, label: Low, score: 0}
          - {value: high, label: High SCORE}
"""


@pytest.mark.parametrize("text, words", [
    (SCORED.replace("MAX", "1").replace(" SCORE", ", score: 1").replace("items: [a]", "items: [b]"), "item 'b'"),
    (SCORED.replace("MAX", "1").replace(" SCORE", ""), "every option of 'a' needs a score"),
    (SCORED.replace("MAX", "5").replace(" SCORE", ", score: 1"), "the items give 0–1, not 0–5"),
])
def test_a_broken_scoring_block_is_refused(text, words):
    with pytest.raises(WorksheetError) as error:
        load_text(text, "scored.yaml")
    assert words in str(error.value)


def test_the_trend_with_its_cutoff_is_on_the_couple_page_and_in_the_packet(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "couples-satisfaction-index")
    for partner, (values, _) in zip(couple.partners, HAND_SCORED[:2]):
        client = signed_in(app, partner)
        save_section(client, assignment.id, values)
        assert submit(client, assignment.id).status_code == 302
    db_session.expire_all()
    stored = {r.partner_id: r.score for r in db_session.scalars(select(Response))}
    assert stored == {couple.partner_a_id: {"name": "CSI-4", "value": 11},
                      couple.partner_b_id: {"name": "CSI-4", "value": 15}}
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "CSI-4 (0–21)" in page and 'class="cutoff"' in page and "cutoff 13.5" in page
    table = page[page.index("CSI-4 score, day"):]
    assert "<td>11</td>" in table and "<td>15</td>" in table
    text = pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf").data)
    assert "CSI-4 (0–21)" in text and "cutoff 13.5" in text and "11" in text and "15" in text
    # partners never see a score
    for partner in couple.partners:
        mine = signed_in(app, partner).get("/my/").get_data(as_text=True)
        assert "CSI-4 score" not in mine and "cutoff" not in mine
