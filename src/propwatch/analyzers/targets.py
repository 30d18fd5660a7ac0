"""``TargetExtractor``: who an article attacks or praises, with the evidence.

Output (scheme also in docs/targets.md):

* one span per mention of a target, ``label="Target:<canonical name>"`` (e.g. ``Target:NATO``,
  ``Target:United States``), exact offsets, no score — mentions are found, not scored;
* per target that technique spans are linked to, one ``Label(name="target", value=<name>)`` whose score
  is the target's share of all the linked technique evidence of the article;
* for such a target whose stance is attacked or praised, one more label
  ``Label(name="attacked" | "praised", value=<name>)`` whose score is the share of the target's
  linked evidence on that side. Mixed and neutral targets get no stance label.

Technique spans are those labelled with a SemEval-2023 technique name, from whichever analyzer made
them; narrative spans (``narrative:<id>``) count as attacks on the targets they name that their
narrative lists under ``attacks`` in the narrative catalogues. The extractor runs after any chosen
analyzer that provides ``spans:technique`` or ``spans:narrative-evidence`` (declared in ``after``) but needs
neither: without them it reports mentions only.
Mentions, aliases and NER: :mod:`propwatch.targets`; linking, polarity and stance:
:mod:`propwatch.targets.linking`. The per-technique counts are recomputed from the stored spans by
:func:`propwatch.targets.linking.target_profiles`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from propwatch.analyzers.base import TEXT, Analyzer
from propwatch.domain import Analysis, Annotations, Label, Span
from propwatch.errors import AnalyzerError
from propwatch.narratives.catalogue import attacks_in_catalogues
from propwatch.settings import Settings
from propwatch.targets.aliases import LANGUAGES, load_aliases
from propwatch.targets.e5_ner import GRAPH_FILE, SPEC_FILE
from propwatch.targets.extraction import extract_mentions
from propwatch.targets.linking import (
    SPAN_PREFIX,
    TARGET_LABEL,
    TargetMention,
    build_profiles,
    is_narrative,
    is_technique,
)
from propwatch.targets.ner import NerBackends, missing

# 1.1: reported labels count as neutral; 1.2: pronoun subjects lend no link; 1.3: a labeller is no target;
# 1.4: "they" after one group of names stands for it; "sees X as", "considers X a" report a label;
# 1.5: tagged entities that do not read like names (clauses, sentence openers) are dropped;
# 1.6: Russian names shown in the nominative with gender kept; titles and initials reach the catalogue;
# 1.7: a Russian place or organisation that is one adjective is no target;
# 1.8: every country and three continents named in five languages under their English name
# 1.9: French and Italian names come from the e5 tagger where models/ner/e5-ner.json assigns it
# 1.10: an acronym that is a word ("WHO", "US") in a line of capitals is that word
# 1.11: shouted lines matched in any case ("THE US" but not "LET US"), not tagged; hashtags name no target
# 1.12: a transcript's speaker labels ("SERGEY LAVROV:", a full name opening two lines) are no mentions
# 1.13: Russian names merged by their name reading ("Пескову" → Дмитрий Песков); "#StopNATO" praises nobody
# 1.19: speakers and sources are no targets; reported speech reported; threatened parties passed over;
#       a label right before a name is that name's; "Y, not X" holds in a clause of "that" asking "?"
# 1.20: German common nouns, run-on clauses and "QR code" are no names; "Barack Hussein Obama" is "Barack
#       Obama"; a surname glued before a catalogued person splits off; capitals stand for their states;
#       a lone narrative match decides no stance
ANALYZER_VERSION = "1.20"
STANCE_LABELS = {"attacked": "attacked", "praised": "praised"}


class TargetExtractor(Analyzer):
    name: ClassVar[str] = "targets"
    version: ClassVar[str] = ANALYZER_VERSION
    requires: ClassVar[frozenset[str]] = frozenset({TEXT})
    after: ClassVar[frozenset[str]] = frozenset({"spans:technique", "spans:narrative-evidence"})
    provides: ClassVar[frozenset[str]] = frozenset({"spans:target", "labels:target"})

    def __init__(self, settings: Settings, model_dir: Path | None = None) -> None:
        super().__init__(settings)
        problems = missing(LANGUAGES, model_dir)
        if problems:
            raise AnalyzerError(f"analyzer {self.name!r}", "; ".join(problems))
        self.catalogue = load_aliases(settings)
        # Target mentions do not need the narratives: a broken catalogue is the narratives analyzer's error.
        self.narrative_attacks = attacks_in_catalogues(settings)
        self.backends = NerBackends(model_dir, settings)
        # Stored analyses are keyed by version: other catalogues or NER models make another version.
        digest = hashlib.sha256(repr(sorted(self.catalogue.aliases.items())).encode())
        digest.update(repr(sorted(self.catalogue.metonyms.items())).encode())
        digest.update(repr(sorted((k, sorted(v)) for k, v in self.narrative_attacks.items())).encode())
        for model in sorted(self.backends.model_dir.glob("*.crfsuite")):
            digest.update(model.read_bytes())
        for name in (SPEC_FILE, GRAPH_FILE):  # the e5 tagger and the languages it serves
            if (self.backends.model_dir / name).is_file():
                digest.update((self.backends.model_dir / name).read_bytes())
        self.__dict__["version"] = f"{ANALYZER_VERSION}+{digest.hexdigest()[:10]}"

    def analyze(self, batch: Sequence[Analysis]) -> list[Annotations]:
        return [self._annotate(item) for item in batch]

    def _annotate(self, item: Analysis) -> Annotations:
        article = item.article
        if not article.text.strip():
            return Annotations()
        language = (article.language or "").lower() or None
        mentions = extract_mentions(article.text, language, self.catalogue, self.backends.get(language))
        spans = tuple(
            Span(start=m.start, end=m.end, label=f"{SPAN_PREFIX}{m.name}", analyzer=self.name)
            for m in mentions
        )
        profiles = build_profiles(
            article.text,
            language,
            [TargetMention(m.start, m.end, m.name) for m in mentions],
            [s for s in item.spans if is_technique(s)],
            narratives=[s for s in item.spans if is_narrative(s)],
            narrative_attacks=self.narrative_attacks,
        )
        labels: list[Label] = []
        for profile in profiles:
            if profile.share is None:
                continue
            labels.append(
                Label(name=TARGET_LABEL, value=profile.name, score=profile.share, analyzer=self.name)
            )
            if profile.stance in STANCE_LABELS:
                labels.append(
                    Label(
                        name=STANCE_LABELS[profile.stance],
                        value=profile.name,
                        score=profile.stance_score,
                        analyzer=self.name,
                    )
                )
        return Annotations(spans=spans, labels=tuple(labels))
