"""Write the text-classification tutorial (it needs Orange3-Text).

::

    python -m tools.build_text_tutorial [DIR]

Built as :mod:`tools.build_tutorials` builds the others:
from the installed widgets, saved with the canvas' own writer. Kept apart
because its widgets come from an optional add-on, Orange3-Text.
"""
import sys

from tools.build_tutorials import (
    CROSS_VALIDATION, LSTM, RECURRENT, TEST_AND_SCORE, write_tutorials,
)
from tools.workflow_builder import WorkflowBuilder

CORPUS = "orangecontrib.text.widgets.owcorpus.OWCorpus"
PREPROCESS_TEXT = "orangecontrib.text.widgets.owpreprocess.OWPreprocess"
BAG_OF_WORDS = "orangecontrib.text.widgets.owbagofwords.OWTBagOfWords"
LOGISTIC = "Orange.widgets.model.owlogisticregression.OWLogisticRegression"

FILE_NAME = "04-text-classification.ows"

#: Preprocess Text's pipeline: lowercase, words (\w+), and drop the words
#: that are in more than 30% of the documents. None of these needs NLTK's
#: data, so the workflow runs offline (stopword lists are NLTK data).
PREPROCESSING = {"preprocessors": [
    ("preprocess.transform", {"methods": [0]}),              # lowercase
    ("preprocess.tokenize", {"method": 3, "pattern": r"\w+"}),  # regexp
    ("preprocess.filter", {"methods": [4], "freq_type": 0,   # doc. freq.
                           "rel_start": 0.0, "rel_end": 0.3}),
]}


def text_classification(path: str):
    """Tutorial 4: an LSTM reads documents, word by word."""
    b = WorkflowBuilder(
        "Classify text: an LSTM on words against logistic regression on a "
        "bag of words",
        "Book excerpts (Orange3-Text's sample corpus: 140 passages, written "
        "for children or for adults). Preprocess Text lowercases the text, "
        "splits it into words and drops the words found in more than 30% of "
        "the passages. The LSTM reads the first 200 words of each passage in "
        "order, through a learned word embedding; Logistic Regression sees "
        "the bag of words (word counts, order lost). Test and Score "
        "cross-validates both (5 folds). The add-on's LSTM/GRU widget shows "
        "its Text settings (embedding, vocabulary, sequence length) when a "
        "corpus arrives.")
    corpus = b.add(CORPUS, "Corpus", (60, 200))  # opens book-excerpts.tab
    preprocess = b.add(PREPROCESS_TEXT, "Preprocess Text", (220, 200))
    # Its settings are its pipeline model's; the canvas saves them from it.
    widget = b.widget(preprocess)
    widget.set_model(widget.load(PREPROCESSING))
    bow = b.add(BAG_OF_WORDS, "Bag of Words", (380, 200))
    lstm = b.add(RECURRENT, "LSTM", (380, 60), cell_index=LSTM,
                 hidden_size=32, epochs=20, batch_size=16,
                 learning_rate=0.01, random_seed=0, fixed_seed=True,
                 early_stopping=False, embedding_size=32,
                 vocabulary_size=10000, min_count=2, sequence_length=200)
    logistic = b.add(LOGISTIC, "Logistic Regression", (380, 340))
    score = b.add(TEST_AND_SCORE, "Test and Score", (560, 200),
                  resampling=CROSS_VALIDATION, n_folds=2)  # 2: 5 folds
    b.link(corpus, "Corpus", preprocess, "Corpus")
    b.link(preprocess, "Corpus", bow, "Corpus")
    b.link(bow, "Corpus", score, "Data")
    b.link(lstm, "Learner", score, "Learner")
    b.link(logistic, "Learner", score, "Learner")
    b.annotate(
        "The corpus reaches Test and Score with its words (the LSTM reads "
        "them) and its word counts (the features Logistic Regression "
        "uses).", (470, 270, 260, 75), 12)
    b.save(path)
    b.close()


def main(argv=None) -> int:
    return write_tutorials({FILE_NAME: text_classification}, argv)


if __name__ == "__main__":
    sys.exit(main())
