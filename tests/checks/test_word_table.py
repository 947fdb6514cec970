"""jieba's dictionary as a memory-mapped word table (content.WordTable): a one-story check segments
with it instead of loading the dictionary, so it must answer every question jieba's tokenizer asks
exactly as jieba's own dict does, and segment every story into the same words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.checks.differentiation import content
from generator.checks.differentiation import text as t
from generator.checks.differentiation.arrays import mapped_arrays
from generator.checks.differentiation.content import WordTable, content_words, content_words_many
from generator.checks.differentiation.features import story_text
from generator.checks.differentiation.records import record_from_village
from tests.checks.evaluation import HELDOUT, load_cases, village_of

REPO = Path(__file__).resolve().parents[2]


def _stories(folder: Path) -> list[str]:
    """Every story of the evaluation sets (copies, paraphrases, herds, 繁體, English), as the check
    segments them."""
    texts = {}
    for case in [*load_cases(), *load_cases(HELDOUT)]:
        for member in case.members:
            story = story_text(record_from_village(village_of(case, member, folder)))
            texts.setdefault(story, None)
    return [s for s in texts if s.strip()]


def test_the_table_answers_every_entry_as_jiebas_dict(tmp_path):
    full = content._dictionary()
    path = tmp_path / "words"
    WordTable.write(path, full.FREQ, full.total)
    table = WordTable(mapped_arrays(path, WordTable.NAMES))
    assert table.total == full.total
    assert len(table.words) == len(full.FREQ) > 400_000
    for word, count in full.FREQ.items():  # words and the prefixes jieba adds with count 0
        assert word in table and table[word] == count and table.get(word) == count, word
    longest = max(full.FREQ, key=lambda w: len(w.encode()))
    absent = ["茶园茶园茶园", "zzzz", longest + "茶", longest * 2, "ㄅ", "\U0002a6a5"]
    for word in absent:
        assert word not in full.FREQ and word not in table and table.get(word, -1) == -1, word


def test_the_table_segments_every_story_into_the_same_words(tmp_path):
    stories = _stories(tmp_path / "villages")
    assert len(stories) > 100, "the evaluation sets' stories"
    content_words_many(stories, tmp_path)  # many stories: the dictionary, and the table kept for next time
    mapped = content._mapped_dictionary(tmp_path)
    assert mapped is not None and isinstance(mapped.FREQ, WordTable)
    for story in stories:
        assert content_words(story, mapped) == content_words(story), story[:40]


# A fresh interpreter, as `storefront check --only` after an edited story: segmenting one story with
# the table kept in the folder; prints its words and whether jieba's dictionary was loaded.
FRESH = """
import json, sys
from pathlib import Path
import jieba
from generator.checks.differentiation.content import content_words_many
words = content_words_many([sys.argv[2]], Path(sys.argv[1]))[0]
print(json.dumps({"words": words, "loaded": jieba.dt.initialized}))
"""


def test_one_story_is_segmented_without_loading_the_dictionary(tmp_path):
    story = t.normalize("1947年，李新安用毛驴驮回二百株苹果苗，种在黄土塬上；如今全村三百户都种苹果。")
    expected = content_words(story)
    run = lambda: json.loads(
        subprocess.run(
            [sys.executable, "-c", FRESH, str(tmp_path), story], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    )
    first = run()
    assert first["loaded"] is True, "no table yet: the dictionary is loaded, and the table kept"
    assert list(tmp_path.glob("jieba-*.words"))
    second = run()
    assert second["loaded"] is False, "the table answers instead"
    assert first["words"] == second["words"] == expected and "#1947" in expected
