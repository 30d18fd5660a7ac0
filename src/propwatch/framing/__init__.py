"""Article-level judgements: genre (opinion / reporting / satire) and the 14 SemEval-2023 frames.

:mod:`~propwatch.framing.representation` turns an article into one vector (e5 passage embeddings of its
first chunks); :mod:`~propwatch.framing.signals` adds the genre head's style and technique-density
signals; :mod:`~propwatch.framing.model` holds the small numpy heads trained on them.
"""
