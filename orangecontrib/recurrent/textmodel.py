"""Recurrent text classifiers: embedding -> LSTM/GRU/RNN -> linear head.

:func:`fit_text` is what :class:`~orangecontrib.recurrent.learner.
RecurrentLearner` does with a text corpus: build a
:class:`~orangecontrib.recurrent.text.Vocabulary` from the training documents'
tokens, encode them (:meth:`Vocabulary.encode`), train a :class:`TextNetwork`
with the add-on's fit loop (:func:`~orangecontrib.recurrent.training.
fit_network`: seeding, validation, early stopping, callbacks) and return a
:class:`TextModel`, whose vocabulary and network weights travel in its pickle.
"""
import math
from typing import Optional, Sequence

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from Orange.data import Domain, Table
from Orange.data.table import DomainTransformationError

from orangecontrib.recurrent.model import TorchModel
from orangecontrib.recurrent.network import (
    last_layer_state, recurrent_layers,
)
from orangecontrib.recurrent.options import CLASSIFICATION
from orangecontrib.recurrent.scaling import class_shares
from orangecontrib.recurrent.sizing import MIN_EPOCHS
from orangecontrib.recurrent.text import (
    PAD, Vocabulary, document_tokens,
    text_incompatibility_reason, text_variables,
)
from orangecontrib.recurrent.textbag import WordLogits, fit_two_stage
from orangecontrib.recurrent.training import (
    fit_network, forward_rows, seeded,
)

__all__ = ["TextNetwork", "TextModel", "fit_text", "TEXT_POOLING",
           "TEXT_DROPOUT"]

#: How new text networks read a document: max-pooling over the states and
#: dropout 0.3 on embeddings and pooled states. On the election tweets
#: (benchmarks/README-accuracy.md) a one-way LSTM's final state scored
#: 0.906; max-pooling without dropout 0.893 (bidirectional), with it 0.926.
TEXT_POOLING = "max"
TEXT_DROPOUT = 0.3


def _has_text(column) -> bool:
    return any(isinstance(v, str) and v for v in column)


class TextNetwork(nn.Module):
    """Embedding -> stacked LSTM/GRU/RNN -> linear head, for padded token rows.

    Input: ``(batch, length)`` token indices (any dtype: the fit loop sends
    float32, which holds indices exactly up to 2**24), padded with
    :data:`~orangecontrib.recurrent.text.PAD` at the end. Output: ``(batch,
    n_outputs)`` logits. Sequences are packed with their lengths, so padding
    never enters the recurrent layers: the forward direction's state is taken
    after the document's last real token, the backward direction's after it
    has read back to the first. The padding embedding is zero and not trained.

    ``pooling="max"`` gives the head, instead of the final state, each unit's
    largest value over the document's steps (a word anywhere in a tweet can
    decide its class, and the final state of a short text forgets its first
    words); ``dropout_text`` drops embedding values and pooled features while
    training. ``bag`` adds a linear bag of words to the head's logits
    (:class:`~orangecontrib.recurrent.textbag.WordLogits`). Defaults
    describe networks pickled before these existed.
    """

    def __init__(self, vocabulary_size: int, n_outputs: int,
                 embedding_size: int = 64, cell: str = "lstm",
                 hidden_size: int = 50, num_layers: int = 1,
                 bidirectional: bool = False, dropout: float = 0.0,
                 pooling: str = "last", dropout_text: float = 0.0,
                 bag: bool = False):
        super().__init__()
        if pooling not in ("last", "max"):
            raise ValueError(f"Unknown pooling '{pooling}'; use last or max.")
        self.pooling = pooling
        self.dropout_text = float(dropout_text)
        self.drop = nn.Dropout(self.dropout_text)
        self.cell = cell.lower()  # recurrent_layers checks it
        self.vocabulary_size = int(vocabulary_size)
        self.embedding_size = int(embedding_size)
        self.n_outputs = int(n_outputs)
        self.num_layers = int(num_layers)
        self.num_directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(self.vocabulary_size,
                                      self.embedding_size, padding_idx=PAD)
        self.rnn = recurrent_layers(self.cell, self.embedding_size, hidden_size,
                                    self.num_layers, bidirectional, dropout)
        self.head = nn.Linear(int(hidden_size) * self.num_directions,
                              self.n_outputs)
        self.bag = WordLogits(self.vocabulary_size, self.n_outputs) if bag \
            else None

    @property
    def architecture(self) -> dict:
        """The constructor's arguments (what a pickle rebuilds it from)."""
        return dict(vocabulary_size=self.vocabulary_size,
                    n_outputs=self.n_outputs,
                    embedding_size=self.embedding_size, cell=self.cell,
                    hidden_size=self.rnn.hidden_size,
                    num_layers=self.num_layers,
                    bidirectional=self.num_directions == 2,
                    dropout=self.rnn.dropout, pooling=self.pooling,
                    dropout_text=self.dropout_text,
                    bag=self.bag is not None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = x.long()
        lengths = (tokens != PAD).sum(dim=1).clamp(min=1)
        # Columns that are padding in every row of the batch need no steps.
        tokens = tokens[:, :int(lengths.max())]
        packed = pack_padded_sequence(
            self.drop(self.embedding(tokens)), lengths.cpu(),
            batch_first=True, enforce_sorted=False)
        outputs, state = self.rnn(packed)
        if self.pooling == "last":
            logits = self.head(self.drop(
                last_layer_state(state, self.num_directions)))
        else:
            # the largest value of each unit over the real steps (pads -inf)
            outputs, _ = pad_packed_sequence(outputs, batch_first=True,
                                             padding_value=-math.inf)
            logits = self.head(self.drop(outputs.max(dim=1).values))
        return logits if self.bag is None else logits + self.bag(tokens)


class TextModel(TorchModel):
    """A recurrent text classifier as an Orange model: vocabulary, network
    weights (CPU numpy arrays in the pickle) and the training corpus'
    preprocessing.

    Called on a Corpus (or a table with the same text features) it returns
    classes or class probabilities as any Orange classifier does. Words that
    the training documents did not have (or had fewer than ``min_count``
    times) map to OOV. A Corpus that was never preprocessed is preprocessed
    as the training corpus was before its tokens are read.

    Shares :class:`~orangecontrib.recurrent.model.TorchModel`'s history,
    stop reason, device handling and pickling; ``predict`` on a plain array
    is not possible.
    """

    def __init__(self, domain: Domain, network: TextNetwork,
                 vocabulary: Vocabulary, sequence_length: int, params: dict,
                 class_prior=None, fit_result=None, preprocessor=None):
        super().__init__(domain)
        self.params = dict(params)
        self.task = CLASSIFICATION
        self.target_mean, self.target_scale = 0.0, 1.0
        self.class_prior = None if class_prior is None \
            else np.asarray(class_prior, dtype=float)
        self.vocabulary = vocabulary
        self.sequence_length = int(sequence_length)
        self.preprocessor = preprocessor
        self.architecture = network.architecture
        self._keep_network(network, fit_result)

    def _network_class(self):
        return TextNetwork

    def data_to_model_domain(self, data: Table,
                             progress_callback=None) -> Table:
        # The model reads only the text features (metas). Orange's default
        # refuses data whose transformed *attributes* are all missing, which
        # is every corpus when the model's domain has no attributes.
        if data.domain == self.domain:
            return data
        new = data.transform(self.domain)
        if len(new) and not any(_has_text(new.get_column(var))
                                for var in text_variables(new.domain)):
            names = ", ".join(v.name for v in text_variables(self.domain))
            raise DomainTransformationError(
                f"The data lacks the text ({names}) the model was trained on.")
        return new

    def predict_storage(self, data):
        if self.preprocessor is not None and not hasattr(data, "tokens"):
            # A plain table (Orange makes one for a single instance): make it
            # a Corpus, so that it is preprocessed as the training corpus was.
            from orangecontrib.text import Corpus  # it made the preprocessor
            data = Corpus.from_table(data.domain, data)
        return self.predict_tokens(document_tokens(data, self.preprocessor))

    def predict_tokens(self, documents: Sequence[Sequence[str]]) -> np.ndarray:
        """Class probabilities, shape (documents, classes), for token lists."""
        length = self.sequence_length
        encoded = self.vocabulary.encode(documents, length)
        network = self.network()
        device = next(network.parameters()).device
        rows = forward_rows(network, length)
        outputs = []
        with torch.inference_mode():
            for start in range(0, len(encoded), rows):
                batch = torch.from_numpy(encoded[start:start + rows])
                out = network(batch.to(device))
                outputs.append(torch.softmax(out.double(), dim=1)
                               .cpu().numpy())
        if not outputs:
            return np.zeros((0, self.architecture["n_outputs"]))
        return np.concatenate(outputs)

    def predict(self, X):
        raise TypeError("A recurrent text model reads documents: call it on "
                        "a corpus, not on an array.")

    def __repr__(self):
        return (f"TextModel({self.architecture['cell'].upper()}, "
                f"{self.vocabulary!r}, epochs_trained={self.epochs_trained})")


def fit_text(learner, data: Table,
             tokens: Optional[Sequence[Sequence[str]]] = None) -> TextModel:
    """Train ``learner`` (a RecurrentLearner, its parameters checked) on a
    text corpus.

    Uses the learner's network and training parameters and its
    ``embedding_size``, ``vocabulary_size``, ``min_count`` and
    ``sequence_length``. Documents without a class are left out.

    Raises
    ------
    ValueError
        For a numeric (or missing) target, a single class or fewer than two
        documents with a class.
    """
    reason = text_incompatibility_reason(data.domain)
    if reason is not None:
        raise ValueError(reason)

    class_var = data.domain.class_var
    y = np.asarray(data.Y, dtype=np.float64).reshape(len(data))
    tokens = document_tokens(data) if tokens is None else list(tokens)
    known = np.isfinite(y)
    if not known.all():
        tokens = [t for t, k in zip(tokens, known) if k]
        y = y[known]
    if len(y) < 2:
        raise ValueError("Training needs at least two documents with a "
                         "class.")
    targets = y.astype(np.int64)
    n_outputs = len(class_var.values)
    prior = class_shares(targets, class_var)

    vocabulary = Vocabulary.build(tokens, max_size=int(learner.vocabulary_size),
                                  min_count=int(learner.min_count))
    # Documents have no time order, and corpora often come sorted by class:
    # shuffle (seeded) so that the fit loop's validation tail is a fair
    # sample of the classes, not the last one.
    order = np.random.RandomState(learner.random_state).permutation(len(y))
    # float32 holds the indices exactly and is what the fit loop casts each
    # batch to anyway (no copy per batch on the CPU).
    X = vocabulary.encode([tokens[i] for i in order],
                          int(learner.sequence_length)).astype(np.float32)

    # epochs=None: a bag of words beside the recurrent path, trained first
    # (textbag.py). Explicit epochs (every workflow saved before) train the
    # recurrent network alone, as they did.
    two_stage = learner.epochs is None
    fit_args = dict(
        batch_size=learner.batch_size, clip_norm=learner.clip_norm,
        validation_size=learner.validation_size, patience=learner.patience,
        random_state=learner.random_state, device=learner.device,
        callback=learner.callback,
        should_stop=getattr(learner, "should_stop", None))
    with seeded(learner.random_state):
        network = TextNetwork(
            vocabulary_size=len(vocabulary), n_outputs=n_outputs,
            embedding_size=int(learner.embedding_size), cell=learner.cell,
            hidden_size=learner.hidden_size, num_layers=learner.num_layers,
            bidirectional=learner.bidirectional, dropout=learner.dropout,
            pooling=TEXT_POOLING, dropout_text=TEXT_DROPOUT, bag=two_stage)
        if two_stage:
            result = fit_two_stage(network, X, targets[order], fit_args,
                                   epochs=MIN_EPOCHS,
                                   learning_rate=learner.learning_rate)
        else:
            result = fit_network(
                network, X, targets[order], task=CLASSIFICATION,
                epochs=learner.epochs, learning_rate=learner.learning_rate,
                **fit_args)
    # A corpus that went through Preprocess Text carries its preprocessor:
    # the model applies it to new documents that were not preprocessed.
    preprocessor = getattr(data, "used_preprocessor", None) \
        if getattr(data, "has_tokens", lambda: False)() else None
    params = dict(learner.params, embedding_size=learner.embedding_size,
                  vocabulary_size=learner.vocabulary_size,
                  min_count=learner.min_count,
                  sequence_length=learner.sequence_length)
    return TextModel(data.domain, network, vocabulary,
                     int(learner.sequence_length), params,
                     class_prior=prior, fit_result=result,
                     preprocessor=preprocessor)
