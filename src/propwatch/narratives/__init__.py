"""Known disinformation narratives: catalogues, embeddings, matching and claim retrieval."""
