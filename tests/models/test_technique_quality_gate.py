"""Quality gate: the shipped technique model on our validation split, with the official metrics.

The split (SemEval-2023 Task 3 train, by article, seed 13, 15% per language) is the one training held
out; its fingerprints are pinned so a changed split fails loudly instead of silently moving the figures.
Floors are pinned 0.02 under the lowest figure measured on the machines the model was run on: the int8
graph's integer kernels differ between CPUs (AVX-512/VNNI or AVX2 alone), which moves a language's
figure by up to about 0.016.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.evaluation.technique_model import evaluate_technique_model
from propwatch.models.techniques import TechniqueModel, shipped_model_folder
from propwatch.settings import Settings

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FINGERPRINTS = {
    "en": "6c7f48719a603f52",
    "fr": "66392eb3e50d6d84",
    "ge": "cdefed89efeec1b2",
    "it": "c0acb1f2db88ccc1",
    "po": "67830498cfa2abdb",
    "ru": "853f31fe87798e66",
}
# Model 2026.12.4 (2026.12.3 run one window per encoder call, PTC view retrained): `propwatch evaluate
# techniques` on an Intel Xeon with AVX-512 VNNI (2026-12-02) en 0.3767, fr 0.4547, ge 0.4765, it 0.5317,
# po 0.3399, ru 0.5017; PTC-SI 0.4069, PTC-TC 0.6199 (2026.12.3 on that machine: en 0.3768, fr 0.4581,
# ge 0.4785, it 0.5404, po 0.3344, ru 0.4922, PTC-SI 0.4041, PTC-TC 0.6286). Every floor stays at least
# 0.02 under these and under 2026.12.3's AVX2 figures below (2026.12.4 is unmeasured there), so the
# floors are unchanged.
# Model 2026.12.3 (2026.12.1's weights, calibration and PTC view; thresholds under a 0.10 span-precision
# floor raised; paragraph head retrained). `propwatch evaluate techniques --data ../shared/data` on an AMD
# EPYC with AVX2 and no AVX-512 (2026-12-02): subtask-3 micro-F1 (paragraph head) en 0.3762, fr 0.4540,
# ge 0.4689, it 0.5317, po 0.3306, ru 0.4966; PTC-SI 0.4058, PTC-TC 0.6156. The same weights as
# 2026.12.1 measured en 0.3711, fr 0.4612, ge 0.4577, it 0.5265, po 0.3257, ru 0.5073, PTC-SI 0.4041,
# PTC-TC 0.6272 on the AVX-512 machine they were trained on, and en 0.3748, fr 0.4451, ge 0.4603,
# it 0.5299, po 0.3365, ru 0.5065, PTC-SI 0.4058, PTC-TC 0.6156 on the AVX2 machine.
# PTC span identification blended with the PTC span tagger (2026-12-03, same AVX-512 machine): PTC-SI
# 0.4295 (`propwatch evaluate techniques`); its frozen layers run in float32 numpy, so only the tagger's
# int8 upper layers vary with the CPU. Floor 0.02 under it.
# Model 2026.12.8 (8 trained layers; PTC span tagger of 2026.12.4 blended at a re-chosen threshold):
# `propwatch evaluate techniques --data ../shared/data` on an AMD EPYC with AVX-512 VNNI (2026-12-04)
# en 0.4054, fr 0.4725, ge 0.4694, it 0.5333, po 0.3488, ru 0.4906; PTC-SI 0.4476, PTC-TC 0.6171
# (2026.12.4 there: en 0.3767, fr 0.4547, ge 0.4765, it 0.5317, po 0.3399, ru 0.5017; PTC-SI 0.4295,
# PTC-TC 0.6185). Floors re-pinned 0.02 under these figures, for the CPU spread above.
# PTC span identification decoded with hysteresis (drop 0.1, threshold 0.575; 2026-12-04, same machine):
# PTC-SI 0.4566; the rest unchanged. PTC-SI floor re-pinned 0.02 under it.
# Model 2026.12.10 (2026.12.8's graph; technique spans decoded with hysteresis 0.5, thresholds chosen
# again, paragraph head retrained), same machine: en 0.4078, fr 0.4756, ge 0.4761, it 0.5374, po 0.3504,
# ru 0.4949; PTC-SI and PTC-TC unchanged; technique spans (SI formula per technique, six languages
# pooled) 0.2917 (2026.12.8: 0.2537). Floors re-pinned 0.02 under these.
# Model 2026.12.11 (language shifts chosen for that decoding: en +0.50, pl 0.00; heads retrained), same
# machine: en 0.4091, fr 0.4764, ge 0.4728, it 0.5378, po 0.3486, ru 0.5017; PTC-SI 0.4568, PTC-TC 0.6171;
# technique spans 0.2992. Floors re-pinned 0.02 under these.
FLOORS_ST3_MICRO_F1 = {"en": 0.389, "fr": 0.456, "ge": 0.452, "it": 0.517, "po": 0.328, "ru": 0.481}
FLOOR_PTC_SI_F1 = 0.436
FLOOR_PTC_TC_MICRO_F1 = 0.597
FLOOR_TECHNIQUE_SPANS_F1 = 0.279


@pytest.mark.skipif(
    not (DATA / "semeval2023_task3").is_dir(), reason="the corpora (../shared/data) are not here"
)
def test_shipped_technique_model_stays_above_its_floors(tmp_path: Path) -> None:
    model = TechniqueModel.load(shipped_model_folder(), Settings(data_dir=tmp_path))
    result = evaluate_technique_model(model, DATA)
    print(result)
    assert result.fingerprints == FINGERPRINTS, "the validation split changed: retrain or re-pin the gate"
    for code, floor in FLOORS_ST3_MICRO_F1.items():
        assert result.st3_micro_f1[code] >= floor, code
    assert result.ptc_si_f1 is not None and result.ptc_si_f1 >= FLOOR_PTC_SI_F1
    assert result.ptc_tc_micro_f1 is not None and result.ptc_tc_micro_f1 >= FLOOR_PTC_TC_MICRO_F1
    assert result.technique_spans["all"]["f1"] >= FLOOR_TECHNIQUE_SPANS_F1
