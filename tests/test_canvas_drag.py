"""The classroom workflow built by dragging alone, through the canvas' own
link interaction.

orangecanvas' NewLinkAction.connect_nodes is what runs when a dragged link
is dropped on a widget: it asks Scheme.propose_links, and opens the link
dialog (edit_links) when the choice is ambiguous or would replace a link.
Here it runs on a scheme document with real registry descriptions, and the
dialog must never be needed.
"""
import unittest
from unittest.mock import patch

from orangecanvas.document.interactions import NewLinkAction
from orangecanvas.document.schemeedit import SchemeEditWidget
from orangecanvas.scheme import Scheme, SchemeNode
from orangecanvas.document.commands import UndoCommand

from tests.canvas import description, registry


class TestDragInTheCanvas(unittest.TestCase):
    def test_classroom_workflow(self):
        document = SchemeEditWidget()
        document.setRegistry(registry())
        scheme = Scheme()
        document.setScheme(scheme)
        nodes = {}
        for i, name in enumerate(("Sample Series", "Windowing", "LSTM/GRU",
                                  "Forecast Plot", "Test and Score",
                                  "Predictions")):
            nodes[name] = SchemeNode(description(name),
                                     position=(150 * i, 100))
            document.addNode(nodes[name])

        def no_dialog(*args, **kwargs):
            raise AssertionError("the canvas would ask which link: "
                                 f"{args[0].title} -> {args[1].title}")

        for source, sink in (("Sample Series", "Windowing"),
                             ("Windowing", "LSTM/GRU"),
                             ("LSTM/GRU", "Forecast Plot"),
                             ("Sample Series", "Forecast Plot"),
                             ("LSTM/GRU", "Test and Score"),
                             ("Windowing", "Test and Score"),
                             ("LSTM/GRU", "Predictions")):
            action = NewLinkAction(document)
            action.macro = UndoCommand("Add link")
            with patch.object(action, "edit_links", no_dialog):
                action.connect_nodes(nodes[source], nodes[sink])
            document.undoStack().push(action.macro)
        links = sorted((link.source_node.title, link.source_channel.name,
                        link.sink_node.title, link.sink_channel.name)
                       for link in scheme.links)
        self.assertEqual(links, sorted([
            ("Sample Series", "Data", "Windowing", "Data"),
            ("Windowing", "Train Data", "LSTM/GRU", "Data"),
            ("LSTM/GRU", "Model", "Forecast Plot", "Model"),
            ("Sample Series", "Data", "Forecast Plot", "Data"),
            ("LSTM/GRU", "Learner", "Test and Score", "Learner"),
            ("Windowing", "Train Data", "Test and Score", "Data"),
            ("LSTM/GRU", "Model", "Predictions", "Predictors"),
        ]))
        document.setScheme(Scheme())
        document.deleteLater()


if __name__ == "__main__":
    unittest.main()
