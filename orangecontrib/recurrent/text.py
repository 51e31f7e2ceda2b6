"""Text for recurrent networks: recognising a corpus, its tokens, a vocabulary
and the encoding of documents as padded rows of token indices.

A :class:`~orangecontrib.recurrent.learner.RecurrentLearner` given a text
corpus (an Orange3-Text ``Corpus``, or any table whose string metas are marked
as text) trains a text classifier (:mod:`orangecontrib.recurrent.textmodel`)
on what this module prepares. No torch and no Qt here, so widgets can ask
:func:`is_text_domain` cheaply.

Orange3-Text is optional. A corpus is recognised by duck typing (it has
``tokens`` and ``documents``) or by its domain (string metas with the
``include`` attribute, which is how Orange3-Text marks text features), so
nothing here imports ``orangecontrib.text``. With a Corpus the model uses
``corpus.tokens``: after Preprocess Text they are the preprocessed tokens, and
without it Orange3-Text's default tokenization (lowercase, words and
punctuation). A plain table is tokenized the same way here.

Encoding: each document becomes its first ``sequence_length`` token indices,
padded with 0 at the end. The *first* tokens are kept because in most corpora
a document's beginning (a title, a lead, an opening sentence) states what it is
about, and a truncated tail loses the least; the padding is at the end, and the
network packs the sequences with their lengths, so the head always reads the
state after the document's last real token, never after a pad.
"""
import re
from collections import Counter
from typing import Iterable, List, Optional, Sequence

import numpy as np

from Orange.data import Domain

__all__ = ["Vocabulary", "is_text_domain", "is_text_data", "text_variables",
           "text_incompatibility_reason", "document_tokens", "PAD", "OOV"]

#: Index of the padding token (its embedding is fixed at zero).
PAD = 0
#: Index shared by all words outside the vocabulary.
OOV = 1
_N_SPECIAL = 2

#: Orange3-Text's default tokenizer (nltk's WordPunctTokenizer) as a regex.
_WORD_PUNCT = re.compile(r"\w+|[^\w\s]+")


# --- recognising text -------------------------------------------------------
def text_variables(domain: Domain) -> list:
    """String metas that Orange3-Text marks as text (``include=True``)."""
    return [var for var in domain.metas
            if var.is_string and var.attributes.get("include") in (True,
                                                                   "True")]


def is_text_domain(domain: Domain) -> bool:
    """Whether the domain has text features (as a Corpus marks them)."""
    return bool(text_variables(domain))


def is_text_data(data) -> bool:
    """Whether ``data`` is a text corpus: an Orange3-Text Corpus (duck typed:
    it has ``tokens`` and ``documents``) or a table with text features."""
    if hasattr(data, "tokens") and hasattr(data, "documents"):
        return True
    domain = getattr(data, "domain", None)
    return domain is not None and is_text_domain(domain)


def text_incompatibility_reason(domain: Domain) -> Optional[str]:
    """None if a recurrent text classifier can fit ``domain``, else why not."""
    class_var = domain.class_var
    if len(domain.class_vars) > 1:
        return "Recurrent networks predict a single target variable."
    if class_var is None:
        return "The corpus has no target variable."
    if not class_var.is_discrete:
        return (f"The target '{class_var.name}' is numeric; recurrent text "
                "models classify documents (use a categorical target).")
    return None


def _tokenize(text: str) -> List[str]:
    return _WORD_PUNCT.findall(text.lower())


def document_tokens(data, preprocessor=None) -> List[List[str]]:
    """The tokens of each document of ``data``.

    A Corpus gives its own ``tokens`` (preprocessed ones after Preprocess
    Text). A Corpus that was never preprocessed is first run through
    ``preprocessor`` when one is given (the one used on the training corpus,
    so that new documents are tokenized as the training ones were). A plain
    table's text features are joined and tokenized as Orange3-Text does by
    default: lowercase, runs of word characters and runs of punctuation.
    """
    if hasattr(data, "tokens") and hasattr(data, "documents"):
        if preprocessor is not None and hasattr(data, "has_tokens") \
                and not data.has_tokens():
            data = preprocessor(data)
        return [list(doc) for doc in data.tokens]
    variables = text_variables(data.domain)
    if not variables:
        raise ValueError("The data has no text features.")
    columns = [data.get_column(var) for var in variables]
    return [_tokenize(" ".join(str(col[i]) for col in columns
                               if col[i] is not None))
            for i in range(len(data))]


# --- vocabulary and encoding -------------------------------------------------
class Vocabulary:
    """Words of the training documents, each with an index.

    Index 0 is padding and 1 stands for every word outside the vocabulary
    (OOV); the words get indices 2, 3, ... in order of decreasing count (ties
    alphabetically), so the same documents always give the same vocabulary.

    Parameters
    ----------
    words : sequence of str
        The words, most frequent first.
    """

    def __init__(self, words: Sequence[str] = ()):
        self.words = list(words)
        self._index = {w: i + _N_SPECIAL for i, w in enumerate(self.words)}

    @classmethod
    def build(cls, documents: Iterable[Iterable[str]],
              max_size: Optional[int] = 10000,
              min_count: int = 1) -> "Vocabulary":
        """The at most ``max_size`` most frequent words that occur at least
        ``min_count`` times in ``documents`` (lists of tokens)."""
        counts = Counter()
        for doc in documents:
            counts.update(doc)
        kept = sorted((item for item in counts.items()
                       if item[1] >= min_count),
                      key=lambda item: (-item[1], item[0]))
        if max_size is not None:
            kept = kept[:max_size]
        return cls(w for w, _ in kept)

    def __len__(self):
        """Number of indices, padding and OOV included."""
        return len(self.words) + _N_SPECIAL

    def __contains__(self, word):
        return word in self._index

    def index(self, word: str) -> int:
        return self._index.get(word, OOV)

    def encode(self, documents: Sequence[Sequence[str]],
               length: int) -> np.ndarray:
        """Documents -> int64 array (documents, length) of token indices.

        Each row holds the document's first ``length`` tokens and is padded
        with :data:`PAD` at the end. An empty document becomes a single OOV
        token, so that every row has at least one real step.
        """
        out = np.full((len(documents), length), PAD, dtype=np.int64)
        for row, doc in enumerate(documents):
            indices = [self._index.get(w, OOV) for w in doc[:length]] or [OOV]
            out[row, :len(indices)] = indices
        return out

    def __getstate__(self):
        return {"words": self.words}

    def __setstate__(self, state):
        self.__init__(state["words"])

    def __repr__(self):
        return f"Vocabulary({len(self.words)} words)"
