"""Models pickled by an earlier version load and predict exactly as they did.

tests/fixtures/models-b56e57a.pkl was written by tools/make_pickle_fixture.py
at commit b56e57a: each case holds the model's pickle (bytes), the data it was
called on and what it returned then.
"""
import os
import pickle
import unittest

import numpy as np

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures",
                       "models-b56e57a.pkl")


class TestPicklesOfB56e57a(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(FIXTURE, "rb") as f:
            cls.cases = pickle.load(f)

    def test_every_case_predicts_as_before(self):
        self.assertEqual(set(self.cases),
                         {"global", "relative", "classifier", "text"})
        for name, case in self.cases.items():
            with self.subTest(name):
                model = pickle.loads(case["model"])
                np.testing.assert_allclose(model(case["data"]),
                                           case["values"], rtol=1e-6)
                if case["probs"] is not None:
                    np.testing.assert_allclose(
                        model(case["data"], model.Probs), case["probs"],
                        rtol=1e-6, atol=1e-9)

    def test_old_models_keep_their_normalization_and_history(self):
        glob = pickle.loads(self.cases["global"]["model"])
        rel = pickle.loads(self.cases["relative"]["model"])
        self.assertEqual(glob.normalization_used, "global")
        self.assertEqual(rel.normalization_used, "relative")
        self.assertEqual(len(glob.history), 2)
        self.assertEqual(glob.history[-1].epoch, 2)
        self.assertGreater(glob.history[0].train_loss, 0)
        self.assertEqual(glob.epochs_trained, 2)


if __name__ == "__main__":
    unittest.main()
