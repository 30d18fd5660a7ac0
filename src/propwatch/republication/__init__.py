"""Republication detection: the same text published again across outlets (MinHash + LSH)."""

from propwatch.republication.minhash import (
    Copy,
    RepublicationCluster,
    SignatureParams,
    find_clusters,
    similarity,
    text_signature,
)
from propwatch.republication.signatures import index_missing, republications_of, save_signatures

__all__ = [
    "Copy",
    "RepublicationCluster",
    "SignatureParams",
    "find_clusters",
    "index_missing",
    "republications_of",
    "save_signatures",
    "similarity",
    "text_signature",
]
