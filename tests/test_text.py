"""Recurrent text classification: vocabulary, encoding, and LSTM/GRU models
trained on a corpus that ships with Orange3-Text (an optional dependency:
without it these tests skip)."""
import pickle
import unittest

import numpy as np
import pytest

from Orange.data import (ContinuousVariable, DiscreteVariable, Domain,
                         StringVariable, Table)

from orangecontrib.recurrent.text import (
    OOV, PAD, Vocabulary, document_tokens, is_text_data, is_text_domain)


class TestVocabulary(unittest.TestCase):
    DOCS = [["a", "b", "a", "c"], ["a", "b", "d"], ["e"]]

    def test_order_size_and_min_count(self):
        vocabulary = Vocabulary.build(self.DOCS)
        # by decreasing count, ties alphabetically; after PAD and OOV
        self.assertEqual(vocabulary.words, ["a", "b", "c", "d", "e"])
        self.assertEqual(vocabulary.index("a"), 2)
        self.assertEqual(vocabulary.index("e"), 6)
        self.assertEqual(len(vocabulary), 7)
        self.assertEqual(Vocabulary.build(self.DOCS, max_size=2).words,
                         ["a", "b"])
        self.assertEqual(Vocabulary.build(self.DOCS, min_count=2).words,
                         ["a", "b"])
        self.assertEqual(Vocabulary.build(self.DOCS, min_count=3).words,
                         ["a"])

    def test_unknown_words_are_oov(self):
        vocabulary = Vocabulary.build(self.DOCS, max_size=2)
        self.assertEqual(vocabulary.index("c"), OOV)
        self.assertEqual(vocabulary.index("never seen"), OOV)
        self.assertNotIn("c", vocabulary)
        self.assertIn("a", vocabulary)

    def test_encode_pads_at_the_end_and_keeps_the_first_tokens(self):
        vocabulary = Vocabulary.build(self.DOCS)
        encoded = vocabulary.encode(
            [["a", "b"], ["a", "b", "c", "d", "e"], [], ["zzz"]], 3)
        np.testing.assert_array_equal(
            encoded, [[2, 3, PAD], [2, 3, 4], [OOV, PAD, PAD],
                      [OOV, PAD, PAD]])
        self.assertEqual(encoded.dtype, np.int64)

    def test_pickle_keeps_the_index(self):
        vocabulary = pickle.loads(pickle.dumps(Vocabulary.build(self.DOCS)))
        self.assertEqual(vocabulary.index("d"), 5)
        self.assertEqual(vocabulary.index("x"), OOV)


def _plain_text_table():
    """A plain Table (no Orange3-Text) with a text meta marked as a Corpus
    marks it."""
    text = StringVariable("text")
    text.attributes["include"] = "True"
    domain = Domain([], DiscreteVariable("c", values=("a", "b")),
                    metas=[text])
    return Table.from_list(domain, [[0, "Hello, World!"], [1, "a b  c"]])


class TestPlainTables(unittest.TestCase):
    def test_text_domain_is_recognised_without_orange3_text(self):
        table = _plain_text_table()
        self.assertTrue(is_text_domain(table.domain))
        self.assertTrue(is_text_data(table))
        name = StringVariable("name")  # a string meta that is not text
        plain = Domain([ContinuousVariable("x")], metas=[name])
        self.assertFalse(is_text_domain(plain))

    def test_tokens_as_orange3_text_makes_them_by_default(self):
        self.assertEqual(document_tokens(_plain_text_table()),
                         [["hello", ",", "world", "!"], ["a", "b", "c"]])


# --- with Orange3-Text -------------------------------------------------------
def _corpus_module():
    # conftest makes nltk.download a no-op: importing Orange3-Text must not
    # download NLTK data in tests.
    return pytest.importorskip(
        "orangecontrib.text",
        reason="Orange3-Text is not installed (an optional dependency)")


def _learner(**kwargs):
    """A small, quick text learner."""
    from orangecontrib.recurrent.learner import RecurrentLearner
    params = dict(embedding_size=16, min_count=2, sequence_length=40,
                  hidden_size=16, epochs=15, learning_rate=0.01,
                  random_state=0, device="cpu")
    params.update(kwargs)
    return RecurrentLearner(**params)


class TestTextModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        text = _corpus_module()
        from orangecontrib.text import preprocess
        corpus = text.Corpus.from_file("book-excerpts")  # 140 docs, 2 classes
        # What Preprocess Text does without NLTK data: lowercase, words,
        # and drop the words that are in more than 30% of the documents.
        cls.preprocessor = preprocess.PreprocessorList([
            preprocess.LowercaseTransformer(),
            preprocess.RegexpTokenizer(r"\w+"),
            preprocess.FrequencyFilter(max_df=0.3)])
        cls.raw = corpus
        cls.corpus = cls.preprocessor(corpus)

    def test_importing_orange3_text_downloads_no_nltk_data(self):
        # conftest (as the headless runner) turns the download off: the
        # thread Orange3-Text starts at import ends at once.
        import time
        import nltk
        from orangecontrib.text.misc import nltk_data_download
        self.assertFalse(nltk.download("stopwords"))
        start = time.perf_counter()
        while not nltk_data_download.is_done_loading:
            self.assertLess(time.perf_counter() - start, 5)
            time.sleep(0.01)

    def test_uses_the_corpus_tokens(self):
        self.assertTrue(is_text_data(self.corpus))
        tokens = document_tokens(self.corpus)
        self.assertEqual(tokens[0], list(self.corpus.tokens[0]))
        self.assertNotIn(",", tokens[0])  # preprocessed: words only

    def test_beats_the_majority_class_in_cross_validation(self):
        from Orange.evaluation import CA, CrossValidation
        results = CrossValidation(k=3, random_state=0)(self.corpus,
                                                       [_learner()])
        accuracy = CA(results)[0]
        majority = np.bincount(self.corpus.Y.astype(int)).max() \
            / len(self.corpus)
        self.assertGreater(accuracy, majority + 0.1)

    def test_pickle_round_trip_predicts_the_same(self):
        model = _learner(epochs=3, cell="gru")(self.corpus)
        again = pickle.loads(pickle.dumps(model))
        self.assertIsNone(again._network)
        np.testing.assert_array_equal(again(self.corpus), model(self.corpus))
        np.testing.assert_allclose(
            again(self.corpus, again.Probs), model(self.corpus, model.Probs),
            atol=1e-6)
        self.assertEqual(again.vocabulary.words, model.vocabulary.words)

    def test_unknown_words_and_raw_corpus(self):
        model = _learner(epochs=2)(self.corpus)
        probs = model.predict_tokens([["qwertyuiop"], ["zxcvb"], []])
        self.assertEqual(probs.shape, (3, 2))
        # unknown words, and an empty document, read one OOV step
        np.testing.assert_allclose(probs[0], probs[1])
        np.testing.assert_allclose(probs[0], probs[2])
        # a corpus that was never preprocessed gets the training corpus'
        # preprocessing before its tokens are read
        np.testing.assert_array_equal(model(self.raw), model(self.corpus))

    def test_predicts_on_a_corpus_with_other_columns(self):
        # A model trained on words only, called on the same documents with
        # bag-of-words columns added: Orange's data_to_model_domain would
        # find no defined attribute and refuse.
        from orangecontrib.text.vectorization import BowVectorizer
        learner = _learner(epochs=2)
        self.assertIsNone(learner.incompatibility_reason(self.corpus.domain))
        model = learner(self.corpus)
        bow = BowVectorizer().transform(self.corpus)
        self.assertGreater(len(bow.domain.attributes), 100)
        np.testing.assert_array_equal(model(bow), model(self.corpus))
        # a single document, as an instance (Orange makes it a plain table;
        # the model preprocesses it as Orange3-Text would)
        self.assertIn(model(self.corpus[0]), (0, 1))
        self.assertEqual(model(self.raw[:1]).shape, (1,))

    def test_padding_does_not_change_predictions(self):
        model = _learner(epochs=2, sequence_length=30)(self.corpus)
        docs = [list(self.corpus.tokens[i][:10]) for i in range(5)]
        network = model.network()
        import torch
        short = model.vocabulary.encode(docs, 10)
        long = model.vocabulary.encode(docs, 30)
        with torch.inference_mode():
            np.testing.assert_allclose(
                network(torch.from_numpy(short)).numpy(),
                network(torch.from_numpy(long)).numpy(), atol=1e-6)

    def test_numeric_target_is_a_value_error(self):
        text = _corpus_module()
        numeric = Domain([], ContinuousVariable("score"),
                         metas=self.raw.domain.metas)
        corpus = text.Corpus.from_numpy(
            numeric, np.empty((len(self.raw), 0)),
            np.arange(len(self.raw), dtype=float), metas=self.raw.metas)
        with self.assertRaisesRegex(ValueError, "numeric"):
            _learner(epochs=1)(corpus)

    def test_one_class_is_a_value_error(self):
        with self.assertRaisesRegex(ValueError, "one class"):
            _learner(epochs=1)(self.corpus[:20])


if __name__ == "__main__":
    unittest.main()
