"""Dragging a link in the canvas makes the intended link, with no dialog.

The canvas asks ``Scheme.propose_links`` for weighted candidates and links
the first one; it opens the link dialog when the first two tie, or when the
first would replace an existing link (orangecanvas.document.interactions,
``NewLinkAction.connect_nodes``). These tests ask the same question of real
registry descriptions.
"""
import unittest

from orangecanvas.scheme import Scheme, SchemeLink, SchemeNode

from tests.canvas import description

# (source widget, sink widget, expected output, expected input)
DRAGS = [
    ("Sample Series", "Windowing", "Data", "Data"),
    ("Windowing", "LSTM/GRU", "Train Data", "Data"),
    ("LSTM/GRU", "Forecast Plot", "Model", "Model"),
    ("Sample Series", "Forecast Plot", "Data", "Data"),
    ("LSTM/GRU", "Test and Score", "Learner", "Learner"),
    ("LSTM/GRU", "Predictions", "Model", "Predictors"),
    ("Windowing", "Test and Score", "Train Data", "Data"),
    # sequence classification (tutorial 3): a table of sequences
    ("Sample Series", "LSTM/GRU", "Data", "Data"),
]


def drag(scheme: Scheme, source: SchemeNode, sink: SchemeNode):
    """What a drag from ``source`` to ``sink`` does: the (output, input)
    names it links, or None where the canvas would open its dialog."""
    possible = scheme.propose_links(source, sink)
    if not possible:
        raise AssertionError(f"no link {source.title} -> {sink.title}")
    out, inp, weight = possible[0]
    if len(possible) > 1:
        _, _, second = possible[1]
        if second == weight:
            return None
        if inp.single and second > 0 and scheme.find_links(
                sink_node=sink, sink_channel=inp):
            return None
    scheme.add_link(SchemeLink(source, out, sink, inp))
    return out.name, inp.name


class TestDragging(unittest.TestCase):
    def test_each_drag_on_an_empty_canvas(self):
        for source, sink, out, inp in DRAGS:
            with self.subTest(f"{source} -> {sink}"):
                scheme = Scheme()
                a = scheme.new_node(description(source))
                b = scheme.new_node(description(sink))
                self.assertEqual(drag(scheme, a, b), (out, inp))

    def test_classroom_workflow_by_dragging_alone(self):
        """Sample Series -> Windowing -> LSTM/GRU -> Forecast Plot, with the
        series to Forecast Plot and the learner to Test and Score and
        Predictions, in the order a student drags them."""
        scheme = Scheme()
        node = {name: scheme.new_node(description(name)) for name in (
            "Sample Series", "Windowing", "LSTM/GRU", "Forecast Plot",
            "Test and Score", "Predictions")}
        made = [drag(scheme, node[a], node[b]) for a, b in (
            ("Sample Series", "Windowing"),
            ("Windowing", "LSTM/GRU"),
            ("LSTM/GRU", "Forecast Plot"),
            ("Sample Series", "Forecast Plot"),
            ("LSTM/GRU", "Test and Score"),
            ("Windowing", "Test and Score"),
            ("LSTM/GRU", "Predictions"),
        )]
        self.assertEqual(made, [
            ("Data", "Data"), ("Train Data", "Data"), ("Model", "Model"),
            ("Data", "Data"), ("Learner", "Learner"), ("Train Data", "Data"),
            ("Model", "Predictors")])
        self.assertEqual(len(scheme.links), 7)

    def test_secondary_outputs_are_explicit(self):
        learner = description("LSTM/GRU")
        explicit = {o.name for o in learner.outputs if o.explicit}
        self.assertEqual(explicit, {"Training History"})
        windowing = description("Windowing")
        default = {o.name for o in windowing.outputs if o.default}
        self.assertEqual(default, {"Train Data"})


if __name__ == "__main__":
    unittest.main()
