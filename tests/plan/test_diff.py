from cccform.plan.diff import changed_fields


def test_equal_values_have_no_changes() -> None:
    assert changed_fields({"description": "x", "other": 1}, {"description": "x"}) == []


def test_changed_and_missing_fields_are_reported_sorted() -> None:
    assert changed_fields({"b": 1}, {"b": 2, "a": "new"}) == ["a", "b"]


def test_nested_differences_name_the_top_level_field() -> None:
    assert changed_fields({"m": {"k": [1, 2]}}, {"m": {"k": [1, 3]}}) == ["m"]


def test_phone_numbers_and_admins_ignore_order_but_other_lists_do_not() -> None:
    before = {"phone_numbers": ["1", "2"], "admins": ["a", "b"], "other": [1, 2]}
    after = {"phone_numbers": ["2", "1"], "admins": ["b", "a"], "other": [2, 1]}
    assert changed_fields(before, after) == ["other"]
