"""Nested diffs of JSON attributes: only what changed, old and new value, in place."""

from __future__ import annotations

from cccform.render.json_diff import MAX_TEXT, changed_pair, compact, diff_lines


def test_only_changed_keys_with_old_and_new_values() -> None:
    before = {"a": 1, "b": {"c": "x", "d": 2}, "gone": True}
    after = {"a": 1, "b": {"c": "y", "d": 2}, "new": [1]}
    assert diff_lines(before, after) == [
        "{",
        "    ~ b = {",
        '        ~ c = "x" -> "y"',
        "          # (1 unchanged attribute hidden)",
        "    }",
        "    - gone = true",
        "    + new = [1]",
        "      # (1 unchanged attribute hidden)",
        "}",
    ]


def test_an_inserted_element_is_one_addition_in_its_place() -> None:
    before = [{"id": n} for n in range(5)]
    after = [*before[:2], {"id": "new"}, *before[2:]]
    assert diff_lines(before, after) == [
        "[",
        "      # (2 unchanged elements)",
        '    + {"id": "new"}',
        "      # (3 unchanged elements)",
        "]",
    ]


def test_an_element_changed_in_place_is_shown_nested() -> None:
    lines = diff_lines([{"t": "a", "k": 1}], [{"t": "b", "k": 1}])
    assert lines == [
        "[",
        "    ~ {",
        '        ~ t = "a" -> "b"',
        "          # (1 unchanged attribute hidden)",
        "    }",
        "]",
    ]


def test_long_strings_are_cut_around_the_change_which_stays_visible() -> None:
    old = "Welcome. " * 20 + "press 1 for billing" + " Thank you." * 20
    new = "Welcome. " * 20 + "press 2 for billing" + " Thank you." * 20
    shown = changed_pair(old, new)
    assert "press 1 for" in shown and "press 2 for" in shown
    assert len(shown) < len(old)
    assert shown.startswith('"...') and shown.endswith('..."')


def test_compact_values_stay_on_one_line_within_bounds() -> None:
    assert compact("short") == '"short"'
    assert len(compact("x" * 500)) <= MAX_TEXT + 2
    assert "characters of JSON" in compact({"k": "v" * 200})


def test_activities_are_paired_by_id_so_a_change_beside_an_insertion_shows() -> None:
    prompt = "For billing press 1, for technical support press 2. " * 3
    before = [{"id": "start"}, {"id": "menu", "prompt": prompt}, {"id": "end"}]
    after = [
        {"id": "start"},
        {"id": "menu", "prompt": prompt.replace("press 1", "press 9", 1)},
        {"id": "hours", "type": "CHECK_HOURS"},
        {"id": "end"},
    ]
    lines = diff_lines(before, after)
    assert lines[0] == "["
    assert any("press 1" in line and "press 9" in line for line in lines)
    assert '    + {"id": "hours", "type": "CHECK_HOURS"}' in lines


def test_keys_that_are_not_plain_words_are_quoted() -> None:
    assert diff_lines({"": 1}, {"": 3})[1] == '    ~ "" = 1 -> 3'
    assert diff_lines({"a b": 1}, {"a b": 2})[1] == '    ~ "a b" = 1 -> 2'
