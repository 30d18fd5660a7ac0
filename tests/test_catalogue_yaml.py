"""Catalogue YAML: language codes stay codes, and a key given twice is named."""

from __future__ import annotations

import pytest

from propwatch.catalogue_yaml import load_catalogue_yaml
from propwatch.errors import MalformedRecordError


def test_language_codes_are_not_yaml_1_1_booleans() -> None:
    document = load_catalogue_yaml("no: [Noen sier]\non: x\nyes: y\nflag: true\nother: False\n", "c.yaml")
    assert document == {"no": ["Noen sier"], "on": "x", "yes": "y", "flag": True, "other": False}


def test_a_key_given_twice_is_named_with_its_line() -> None:
    with pytest.raises(MalformedRecordError, match=r"c\.yaml line 3: .*key 'id' appears twice"):
        load_catalogue_yaml("narratives:\n  - id: a\n    id: b\n", "c.yaml")


def test_invalid_yaml_names_the_file_line() -> None:
    with pytest.raises(MalformedRecordError, match=r"c\.yaml line 2: not valid YAML"):
        load_catalogue_yaml("a: [1,\nb: {", "c.yaml")
