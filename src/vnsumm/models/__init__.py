"""Models: where weights come from (`weights`), the CTranslate2 conversion cache (`convert`), tokenizers, one token
generator per backend (`transformers_generator`, `ctranslate2_generator`), the batched generator over either
(`generator`), the summarizer and translator built on it (`seq2seq`) and the embedded extractive summarizer."""
