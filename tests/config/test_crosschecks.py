"""crosschecks: what one file or one instance only may define or use."""

from __future__ import annotations

import pytest

from cccform.diagnostics import SourceLocation
from tests.config.helpers import BASE, diagnostics, instance, write

pytestmark = pytest.mark.usefixtures("in_tmp")


def test_same_instance_in_two_files_names_both_places() -> None:
    write("conf/a.yaml", instance(BASE))
    write("conf/b.yaml", instance(BASE.replace("acme-support", "acme-other")))
    [found] = diagnostics("conf")
    assert found.message == (
        "instance 'support' is defined more than once; first at conf/a.yaml:2:3"
    )
    assert found.location == SourceLocation("conf/b.yaml", 2, 3)
    assert found.related == (SourceLocation("conf/a.yaml", 2, 3),)
    assert found.field_path == "instances.support"
    assert found.hint == "each key under 'instances' may appear in one file only"


@pytest.mark.parametrize("key", ["provider: {type: local}", "state: {}"])
def test_top_level_sections_may_appear_in_one_file_only(key: str) -> None:
    write("conf/a.yaml", f"{key}\n")
    write("conf/b.yaml", f"\n{key}\n")
    name = key.split(":")[0]
    [found] = diagnostics("conf")
    assert found.message == f"'{name}' is set in more than one file; first at conf/a.yaml:1:1"
    assert found.location == SourceLocation("conf/b.yaml", 2, 1)
    assert found.related == (SourceLocation("conf/a.yaml", 1, 1),)
    assert found.hint == f"keep '{name}' in one file only"


def test_same_access_path_across_files() -> None:
    write("conf/a.yaml", instance(BASE, key="one"))
    write("conf/b.yaml", instance(BASE, key="two"))
    [found] = diagnostics("conf")
    assert found.message == (
        "access path 'acme-support' is used by both instance.one and instance.two; "
        "first at conf/a.yaml:4:18"
    )
    assert found.location == SourceLocation("conf/b.yaml", 4, 18)
    assert found.related == (SourceLocation("conf/a.yaml", 4, 18),)
    assert found.field_path == "instances.two.access_path"
    assert found.hint == "each access path may belong to one instance only"


def test_same_phone_number_in_two_instances_and_twice_in_one() -> None:
    text = (
        instance(BASE + "phone_numbers: ['0571', '0572', '0572']", key="one")
        + "  two:\n    name: Second one\n    access_path: acme-two\n"
        "    phone_numbers: ['0571']\n"
    )
    write("a.yaml", text)
    found = diagnostics("a.yaml")
    assert [(str(d.location), d.message, d.hint, d.related) for d in found] == [
        (
            "a.yaml:5:37",
            "phone number '0572' is listed twice in instance.one; first at a.yaml:5:29",
            "remove the repeated one",
            (SourceLocation("a.yaml", 5, 29),),
        ),
        (
            "a.yaml:9:21",
            "phone number '0571' is used by both instance.one and instance.two; "
            "first at a.yaml:5:21",
            "each phone number may belong to one instance only",
            (SourceLocation("a.yaml", 5, 21),),
        ),
    ]
