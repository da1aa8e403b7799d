"""Measuring: ROUGE for Vietnamese, chrF and BLEU (`scoring`), the evaluation harness (`evaluate`), and the
speed benchmark of the seq2seq backends (`bench`)."""
