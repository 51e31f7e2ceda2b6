"""Make doc/widgets/images/recurrent-learner-text.png.

LSTM/GRU at its defaults (automatic epochs) trains on Orange3-Text's
election tweets as tutorial 4 gives them to it: metadata columns moved to
metas, lowercased, split into words (\\w+); the first 80% of a seeded
permutation (as benchmarks/bench_accuracy.py splits them). The picture shows
the Text box and the second stage's loss curve (the whole network, after its
bag of words). Offscreen; run from the repository root:
python doc/widgets/screenshot_text_learner.py
"""
import os
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.getcwd())

from AnyQt.QtWidgets import QApplication  # noqa: E402

from Orange.data import Domain  # noqa: E402

from tools.offline import no_nltk_download  # noqa: E402
from orangecontrib.recurrent.widgets.owrecurrentlearner import (  # noqa: E402
    OWRecurrentLearner,
)

OUT = os.path.join("doc", "widgets", "images", "recurrent-learner-text.png")


def tweets():
    """The training part of the tweets, words only."""
    no_nltk_download()
    # pylint: disable=import-outside-toplevel
    from orangecontrib.text import Corpus, preprocess
    corpus = Corpus.from_file("election-tweets-2016")
    domain = corpus.domain
    corpus = corpus.transform(Domain([], domain.class_var,
                                     domain.metas + domain.attributes))
    corpus = preprocess.PreprocessorList([
        preprocess.LowercaseTransformer(),
        preprocess.RegexpTokenizer(r"\w+")])(corpus)
    perm = np.random.default_rng(0).permutation(len(corpus))
    return corpus[np.sort(perm[:int(0.8 * len(corpus))])]


def main():
    app = QApplication.instance() or QApplication([])
    learner = OWRecurrentLearner()
    learner.set_data(tweets())
    learner.handleNewSignals()
    start = time.perf_counter()
    while learner.task is not None and time.perf_counter() - start < 600:
        app.processEvents()
        time.sleep(0.01)  # leave the GIL to the training thread
    learner.show()
    learner.resize(learner.sizeHint())
    app.processEvents()
    learner.grab().save(OUT)
    print("saved", OUT, learner.width(), "x", learner.height())
    print(learner.status_label.text())
    print(learner.model.stop_reason)
    learner.onDeleteWidget()


if __name__ == "__main__":
    main()
