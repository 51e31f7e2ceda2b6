"""The learner's choices and the rules about them, each defined once.

Cells, tasks, normalizations and devices by name; which values are allowed;
the size of the validation tail; where dropout exists. The learner, the fit
loop, the networks and the widgets all read them from here. No torch is
imported at module level (widgets import this module in the GUI thread).
"""
from typing import Optional

__all__ = ["CELLS", "REGRESSION", "CLASSIFICATION", "TASKS", "GLOBAL",
           "RELATIVE", "AUTO", "LOG", "NORMALIZATIONS", "DEVICES",
           "check_cell",
           "check_device", "resolve_device", "prediction_device",
           "validation_rows", "layer_dropout", "RAW", "PATCH", "CONV",
           "SHUFFLE",
           "FRONTENDS", "check_frontend"]

#: The recurrent cells: LSTM, GRU and Elman's tanh RNN.
CELLS = ("lstm", "gru", "rnn")
#: Tasks: a numeric target is regression (MSE), a class is classification
#: (cross-entropy).
REGRESSION = "regression"
CLASSIFICATION = "classification"
TASKS = (REGRESSION, CLASSIFICATION)
#: How a numeric series is scaled (see RecurrentLearner's documentation).
GLOBAL, RELATIVE, AUTO, LOG = "global", "relative", "auto", "log"
#: (LOG last: the widget stores the index, and older indices keep meaning)
NORMALIZATIONS = (GLOBAL, RELATIVE, AUTO, LOG)
#: Input front-ends (see frontends.py); "auto" chooses by sequence length
#: or on the training rows (autofrontend.py). (SHUFFLE last: the widget
#: stores the index, and older indices keep their meaning.)
RAW, PATCH, CONV, SHUFFLE = "raw", "patch", "conv", "shuffle"
FRONTENDS = (AUTO, RAW, PATCH, CONV, SHUFFLE)
#: Where to train: "auto" takes a CUDA device when torch finds one.
DEVICES = ("auto", "cpu", "cuda")


def check_cell(cell: str) -> str:
    """The cell's name in lower case; ValueError for an unknown one."""
    name = str(cell).lower()
    if name not in CELLS:
        raise ValueError(f"Unknown cell '{cell}'; choose one of "
                         f"{', '.join(CELLS)}.")
    return name


def check_frontend(frontend: str) -> str:
    """The front-end's name; ValueError for an unknown one."""
    if frontend not in FRONTENDS:
        raise ValueError(f"Unknown front-end '{frontend}'; choose one of "
                         f"{', '.join(FRONTENDS)}.")
    return frontend


def check_device(device) -> str:
    """The device as a string ("auto", "cpu", "cuda" or "cuda:N");
    ValueError for anything else. Says nothing of whether CUDA exists here
    (see :func:`resolve_device`)."""
    name = "auto" if device is None else str(device)
    if name in ("auto", "cpu") or name == "cuda" \
            or (name.startswith("cuda:") and name[5:].isdigit()):
        return name
    raise ValueError(f"Unknown device '{device}'; use 'auto', 'cpu' or "
                     "'cuda'.")


def resolve_device(device=None):
    """"auto" (or None) -> cuda if torch finds it, else cpu; "cpu" and
    "cuda[:N]" as named. Raises ValueError when CUDA is asked for and absent.
    """
    import torch  # pylint: disable=import-outside-toplevel
    if device is None or str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(check_device(device)
                          if isinstance(device, str) else device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("Device 'cuda' was asked for, but torch finds no "
                         "CUDA device here; use 'auto' or 'cpu'.")
    return device


def prediction_device(trained_with: Optional[str]):
    """Where a model predicts: a model may be used where it was not trained,
    so "cpu" stays on the CPU and anything else takes CUDA only when this
    process has it."""
    import torch  # pylint: disable=import-outside-toplevel
    if trained_with == "cpu" or not torch.cuda.is_available():
        return torch.device("cpu")
    return resolve_device("auto")


def validation_rows(n: int, share: float, batch_size: int) -> int:
    """How many of ``n`` rows the fit loop holds back for validation: the
    share of them, or none when that is fewer than one batch or would leave
    no training row."""
    n_val = int(n * share)
    return 0 if n_val < batch_size or n - n_val < 1 else n_val


def layer_dropout(num_layers: int, dropout: float) -> float:
    """The dropout that acts: torch's recurrent dropout exists only between
    stacked layers, so one layer has none."""
    return float(dropout) if int(num_layers) > 1 else 0.0
