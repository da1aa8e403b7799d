"""Models: where weights come from (`weights`), the CTranslate2 conversion cache (`convert`), tokenizers, one module
per backend (`transformers_backend`, `ctranslate2_backend`) and the batching engine (`engine`)."""

from vnsumm.models.engine import BACKENDS, Seq2SeqEngine, build_input, encode_inputs, plan_batches, postprocess
from vnsumm.models.weights import locate_model

__all__ = ["BACKENDS", "Seq2SeqEngine", "build_input", "encode_inputs", "locate_model", "plan_batches",
           "postprocess"]
