"""Vietnamese text: normalization, syllables and sentences (`text`), dates in their Vietnamese forms (`dates`)."""
