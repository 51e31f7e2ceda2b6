"""Screenshot of the Sequences widget on UEA BasicMotions (long format) for
doc/widgets/sequences.md. Run from the repository root."""
import os
import sys

from AnyQt.QtWidgets import QApplication

from Orange.data import Domain, Table

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from orangecontrib.recurrent.widgets.owsequences import OWSequences  # noqa


def main(data="/work/shared/data/ucr/BasicMotions_TRAIN.csv",
         out=os.path.join(ROOT, "doc", "widgets", "images", "sequences.png")):
    app = QApplication.instance() or QApplication([])
    widget = OWSequences()
    table = Table(data)
    dom = table.domain
    # activity as the class, as the File widget's role column would set it
    table = table.transform(Domain(
        [a for a in dom.attributes if a.name != "activity"], dom["activity"]))
    widget.set_data(table)
    widget.show()
    app.processEvents()
    widget.grab().save(out)
    return widget


if __name__ == "__main__":
    main()
