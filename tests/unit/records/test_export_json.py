"""The subject access download as JSON text: readable, and always valid UTF-8 and JSON."""

import json

from records.services import learner_export_json


def test_names_are_written_as_they_are_spelt():
    text = learner_export_json({"person": {"first_name": "Łucja", "last_name": "Gŵyr"}})
    assert '"first_name": "Łucja"' in text
    assert '"last_name": "Gŵyr"' in text


def test_half_an_emoji_in_a_typed_answer_is_written_as_its_json_escape():
    """A typed answer cut off at a length limit can end in half of an emoji's pair (a lone
    surrogate), which UTF-8 cannot encode: the download must still be made."""
    export = {"reflections": [{"text": "I felt \ud83d"}]}
    text = learner_export_json(export)
    assert "\\ud83d" in text
    assert json.loads(text.encode("utf-8")) == export
