"""YAML as catalogues are written: language codes as keys, and no value silently overwritten.

PyYAML reads YAML 1.1, where a bare ``no`` (Norwegian) is false and ``yes``, ``on`` and ``off`` are
booleans too; narrative and target catalogues key their claims and aliases by language code, so here,
as in YAML 1.2, only ``true`` and ``false`` are booleans. A key given twice in one mapping is an error
naming its line, instead of the last value winning without a word.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from propwatch.errors import MalformedRecordError


class _CatalogueLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# The resolvers PyYAML has, less the YAML 1.1 booleans beyond true and false.
_CatalogueLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CatalogueLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_catalogue_yaml(text: str, origin: str) -> Any:
    """The document in ``text``; MalformedRecordError naming ``origin`` and the line when it is not YAML."""
    try:
        return yaml.load(text, Loader=_CatalogueLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin} line {mark.line + 1}" if mark is not None else origin
        raise MalformedRecordError(where, f"not valid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise MalformedRecordError(origin, f"not valid YAML: {exc}") from exc
