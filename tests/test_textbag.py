"""The bag-of-words path of text networks and their two-stage fit."""
import pickle
import unittest

import numpy as np
import pytest
import torch

from orangecontrib.recurrent.reports import StopReason
from orangecontrib.recurrent.text import PAD
from orangecontrib.recurrent.textbag import WordLogits
from orangecontrib.recurrent.textmodel import TextNetwork


class TestWordLogits(unittest.TestCase):
    def test_sum_of_word_logits_over_root_length_padding_ignored(self):
        bag = WordLogits(5, 2, bias=True)
        with torch.no_grad():
            bag.logits.weight.copy_(torch.arange(10.).reshape(5, 2))
            bag.bias.copy_(torch.tensor([1., -1.]))
        with torch.no_grad():
            bag.logits.weight[PAD] = 0  # as padding_idx keeps it
            out = bag(torch.tensor([[2., 3., 0., 0.], [4., 0., 0., 0.]]))
        # (w2 + w3) / sqrt(2) + b; w4 / 1 + b
        np.testing.assert_allclose(out.numpy(), [
            [(4 + 6) / np.sqrt(2) + 1, (5 + 7) / np.sqrt(2) - 1],
            [8 + 1, 9 - 1]], rtol=1e-6)

    def test_starts_at_zero(self):
        bag = WordLogits(7, 3)
        self.assertIsNone(bag.bias)
        out = bag(torch.tensor([[2., 5., 6.]]))
        np.testing.assert_array_equal(out.detach().numpy(), np.zeros((1, 3)))

    def test_text_network_adds_the_bag_to_the_heads_logits(self):
        torch.manual_seed(0)
        network = TextNetwork(9, 2, embedding_size=4, hidden_size=3,
                              pooling="max", bag=True)
        self.assertTrue(network.architecture["bag"])
        x = torch.tensor([[2., 3., 4., 0.], [5., 6., 0., 0.]])
        network.eval()
        with torch.no_grad():
            before = network(x)
            network.bag.logits.weight[3] = torch.tensor([1., -2.])
            after = network(x)
        np.testing.assert_allclose((after - before).numpy(),
                                   [[1 / np.sqrt(3), -2 / np.sqrt(3)],
                                    [0, 0]], atol=1e-6)

    def test_old_networks_have_no_bag(self):
        network = TextNetwork(9, 2, embedding_size=4, hidden_size=3)
        self.assertIsNone(network.bag)
        self.assertFalse(network.architecture["bag"])
        self.assertFalse(any(k.startswith("bag")
                             for k in network.state_dict()))


class TestTwoStageFit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        text = pytest.importorskip("orangecontrib.text")
        from orangecontrib.text import preprocess
        corpus = text.Corpus.from_file("book-excerpts")  # 140 docs, 2 classes
        cls.corpus = preprocess.PreprocessorList([
            preprocess.LowercaseTransformer(),
            preprocess.RegexpTokenizer(r"\w+")])(corpus)

    @staticmethod
    def learner(**kwargs):
        from orangecontrib.recurrent.learner import RecurrentLearner
        params = dict(embedding_size=8, hidden_size=8, random_state=0,
                      device="cpu", batch_size=16)
        params.update(kwargs)
        return RecurrentLearner(**params)

    def test_automatic_epochs_train_the_bag_first(self):
        runs = []
        model = self.learner(callback=runs.append)(self.corpus)
        self.assertTrue(model.architecture["bag"])
        stages = [r.run for r in runs]
        self.assertEqual(stages[0], 1)
        self.assertIn(2, stages)
        self.assertEqual(stages, sorted(stages))
        self.assertTrue(model.stop_reason.startswith("bag of words first:"),
                        model.stop_reason)
        # the model's history is the whole network's (the second stage)
        self.assertEqual(len(model.history), stages.count(2))
        accuracy = np.mean(model(self.corpus) == self.corpus.Y)
        self.assertGreater(accuracy, 0.9)  # its training documents
        again = pickle.loads(pickle.dumps(model))
        np.testing.assert_allclose(again(self.corpus, again.Probs),
                                   model(self.corpus, model.Probs),
                                   atol=1e-6)

    def test_explicit_epochs_train_the_recurrent_network_alone(self):
        runs = []
        model = self.learner(epochs=3, callback=runs.append)(self.corpus)
        self.assertFalse(model.architecture["bag"])
        self.assertEqual([r.run for r in runs], [1, 1, 1])
        self.assertEqual(model.epochs_trained, 3)

    def test_a_callback_that_stops_the_first_stage_keeps_the_bag(self):
        model = self.learner(callback=lambda report: report.epoch == 4)(
            self.corpus)
        self.assertEqual(model.stop, StopReason.CALLBACK)
        self.assertEqual(model.epochs_trained, 4)
        network = model.network()
        self.assertEqual(float(network.head.weight.detach().abs().sum()), 0.0)
        bag = WordLogits(network.vocabulary_size, network.n_outputs,
                         bias=True)
        with torch.no_grad():
            bag.logits.weight.copy_(network.bag.logits.weight)
            bag.bias.copy_(network.head.bias)
            x = torch.from_numpy(model.vocabulary.encode(
                [list(t) for t in self.corpus.tokens[:10]], 200))
            np.testing.assert_allclose(network(x).numpy(), bag(x).numpy(),
                                       atol=1e-5)
