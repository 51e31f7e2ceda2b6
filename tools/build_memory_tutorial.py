"""Write tutorial 6, long memory: RNN, LSTM and GRU on the adding problem.

::

    python -m tools.build_memory_tutorial [DIR]

The adding problem (Sample Series): two channels, values and markers; the
target is the sum of the two marked values, which lie in the first half of
each sequence. Data Sampler keeps 80% for training; RNN, LSTM, GRU and
Constant (the trivial baseline: predict the mean) learn from it and Test
and Score tests them on the other 20%. Two Recurrent Inspectors show the
LSTM's forget gate holding the marked values and the RNN's input gradient
dying out over the lag. The settings below were chosen so that the point is
clear and the workflow runs headless in about 85 CPU seconds (one core); the
slow test tests/test_memory_tutorial.py asserts the figures quoted in the
workflow's description and in doc/widgets/inspector.md.
"""
import sys

from orangecontrib.recurrent.options import NORMALIZATIONS
from tools.build_tutorials import (
    AS_SHIPPED, GRU, LSTM, RECURRENT, RNN, SAMPLE, TEST_AND_SCORE,
    TEST_ON_TEST_DATA, write_tutorials,
)
from tools.workflow_builder import WorkflowBuilder

FILE_NAME = "06-memory-rnn-lstm-gru.ows"
SAMPLER = "Orange.widgets.data.owdatasampler.OWDataSampler"
CONSTANT = "Orange.widgets.model.owconstant.OWConstant"
INSPECTOR = "orangecontrib.recurrent.widgets.owinspector.OWRecurrentInspector"

#: The data and training the tutorial uses (and its test reads).
SEQUENCES, LAG, SEED = 5000, 30, 3
TRAINING = dict(hidden_size=32, epochs=60, batch_size=32,
                learning_rate=0.003, random_seed=0, fixed_seed=True,
                early_stopping=False,
                normalization_index=NORMALIZATIONS.index("global"),
                **AS_SHIPPED)

DESCRIPTION = (
    "The adding problem: each sequence of 30 steps has two channels, random "
    "values and markers, and the target is the sum of the two marked "
    "values, both in the first half of the sequence. To predict it the "
    "network must remember them for at least 15 steps. RNN, LSTM and GRU "
    "learn from 80% of 5,000 sequences; Test and Score tests them on the "
    "other 20% beside Constant, which predicts the mean (MSE about 1/6). "
    "The plain RNN stays at the baseline (MSE 0.18, as Constant's) while "
    "LSTM and GRU solve the task (MSE below 0.001). The Recurrent Inspectors show why: "
    "the LSTM's forget gate stays open to carry the marked values, and the "
    "RNN's input gradient fades over the lag, so it hardly learns from the "
    "early steps.")


def memory_tutorial(path: str):
    """Tutorial 6: long memory, RNN against LSTM and GRU."""
    b = WorkflowBuilder("Long memory: why LSTM and GRU remember and RNN "
                        "forgets", DESCRIPTION)
    data = b.add(SAMPLE, "Sample Series", (40, 220), dataset="adding",
                 adding_sequences=SEQUENCES, adding_lag=LAG, seed=SEED)
    sampler = b.add(SAMPLER, "Data Sampler", (190, 220), sampling_type=0,
                    sampleSizePercentage=80, use_seed=True)
    learners = {
        "RNN": b.add(RECURRENT, "RNN", (380, 60), cell_index=RNN, **TRAINING),
        "LSTM": b.add(RECURRENT, "LSTM", (380, 200), cell_index=LSTM,
                      **TRAINING),
        "GRU": b.add(RECURRENT, "GRU", (380, 340), cell_index=GRU,
                     **TRAINING),
        "Constant": b.add(CONSTANT, "Constant", (380, 460)),
    }
    score = b.add(TEST_AND_SCORE, "Test and Score", (600, 300),
                  resampling=TEST_ON_TEST_DATA)
    lstm_view = b.add(INSPECTOR, "LSTM Inspector", (600, 150))
    rnn_view = b.add(INSPECTOR, "RNN Inspector", (600, 20))
    b.link(data, "Data", sampler, "Data")
    b.link(sampler, "Data Sample", score, "Data")
    b.link(sampler, "Remaining Data", score, "Test Data")
    for name, node in learners.items():
        b.link(sampler, "Data Sample", node, "Data")
        b.link(node, "Learner", score, "Learner")
    for view, name in ((lstm_view, "LSTM"), (rnn_view, "RNN")):
        b.link(learners[name], "Model", view, "Model")
        b.link(sampler, "Remaining Data", view, "Data")
    b.annotate(
        "Test and Score (Test on test data): the RNN's MSE stays near "
        "Constant's; LSTM and GRU get close to 0.", (760, 260, 260, 70), 12)
    b.annotate(
        "Inspectors: open them to see the gates and cell state over the 30 "
        "steps, and the input gradient (log scale).", (760, 20, 260, 70), 12)
    b.save(path)
    b.close()


def main(argv=None) -> int:
    return write_tutorials({FILE_NAME: memory_tutorial}, argv)


if __name__ == "__main__":
    sys.exit(main())
