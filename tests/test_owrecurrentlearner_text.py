"""The LSTM/GRU widget with text: the Text box appears for a corpus (here a
plain table with a text meta, so no Orange3-Text is needed), its settings
reach the learner, and the widget trains a text model."""
import numpy as np

from Orange.data import (ContinuousVariable, DiscreteVariable, Domain,
                         StringVariable, Table)
from Orange.widgets.tests import base

from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner,
)

WAIT = 60000


def word_table(n=60, seed=0):
    """Documents of 6-12 words; the class decides which words appear."""
    rng = np.random.default_rng(seed)
    words = (["sun", "warm", "beach", "summer"],
             ["snow", "cold", "ice", "winter"])
    common = ["the", "a", "day", "was", "and"]
    text = StringVariable("text")
    text.attributes["include"] = "True"  # as Orange3-Text marks text
    domain = Domain([], DiscreteVariable("season", values=("summer",
                                                           "winter")),
                    metas=[text])
    rows = []
    for i in range(n):
        cls = i % 2
        doc = rng.choice(words[cls] + common, size=rng.integers(6, 13))
        rows.append([cls, " ".join(doc)])
    return Table.from_list(domain, rows)


class TestOWRecurrentLearnerText(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(
            OWRecurrentLearner,
            stored_settings={"hidden_size": 8, "epochs": 15,
                             "learning_rate": 0.01, "batch_size": 8,
                             "embedding_size": 8, "sequence_length": 20,
                             "min_count": 1})
        self.process_events()

    def tearDown(self):
        self.widget.shutdown()
        super().tearDown()

    def test_text_defaults_are_the_learners(self):
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.learner import RecurrentLearner
        learner = self.create_widget(OWRecurrentLearner).create_learner()
        default = RecurrentLearner()
        for name in ("embedding_size", "vocabulary_size", "min_count",
                     "sequence_length"):
            self.assertEqual(getattr(learner, name), getattr(default, name))

    def test_text_box_follows_the_input(self):
        w = self.widget
        self.assertTrue(w.text_box.isHidden())
        self.send_signal(w.Inputs.data, word_table())
        self.assertFalse(w.text_box.isHidden())
        self.assertFalse(w.Error.data_error.is_shown())
        numeric = Table.from_numpy(
            Domain([ContinuousVariable("x")], ContinuousVariable("y")),
            np.arange(20.0)[:, None], np.arange(20.0))
        self.send_signal(w.Inputs.data, numeric)
        self.assertTrue(w.text_box.isHidden())
        self.send_signal(w.Inputs.data, None)
        self.assertTrue(w.text_box.isHidden())

    def test_text_settings_reach_the_learner_and_the_model(self):
        w = self.widget
        w.controls.vocabulary_size.setValue(7)
        w.controls.min_count.setValue(2)
        learner = self.get_output(w.Outputs.learner)
        self.assertEqual((learner.embedding_size, learner.vocabulary_size,
                          learner.min_count, learner.sequence_length),
                         (8, 7, 2, 20))
        data = word_table()
        self.send_signal(w.Inputs.data, data)
        model = self.get_output(w.Outputs.model, wait=WAIT)
        self.assertEqual(type(model).__name__, "TextModel")
        self.assertEqual(len(model.vocabulary.words), 7)
        self.assertGreater(np.mean(model(data) == data.Y), 0.9)
        self.assertIn(("Words per document", 20),
                      w.get_learner_parameters())

    def test_numeric_target_on_text_is_an_error(self):
        w = self.widget
        data = word_table()
        domain = Domain([], ContinuousVariable("score"),
                        metas=data.domain.metas)
        numeric = Table.from_numpy(domain, np.empty((len(data), 0)),
                                   np.arange(len(data), dtype=float),
                                   metas=data.metas)
        self.send_signal(w.Inputs.data, numeric)
        self.assertTrue(w.Error.data_error.is_shown())
        self.assertIn("numeric", str(w.Error.data_error))
        self.assertIsNone(self.get_output(w.Outputs.model))
