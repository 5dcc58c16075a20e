"""Tools for your own networks and embeddings: the ``dse-repro`` command (:mod:`.cli`, with
``measure`` and ``doctor``), the training monitor (:mod:`.monitor`) and its Lightning callback
(:mod:`.lightning_callback`), the embedding-measure rows they share
(:mod:`.embedding_measures`) and a small example (:mod:`.example`)."""
