"""The LSTM/GRU widget's settings form: its controls, the learner's
arguments they make, and how a report names them."""
from AnyQt.QtCore import Qt

from Orange.widgets import gui

from orangecontrib.recurrent.widgets.utils.lossplot import format_loss
from orangecontrib.recurrent.options import (
    CELLS, DEVICES, FRONTENDS, NORMALIZATIONS, layer_dropout,
)

__all__ = ["add_form", "epoch_status", "learner_params", "training_report",
           "report_parameters", "training_summary", "no_validation_text",
           "CELL_LABELS",
           "DEVICE_LABELS", "NORMALIZATION_LABELS", "FRONTEND_LABELS"]

CELL_LABELS = ("LSTM", "GRU", "RNN (tanh)")
DEVICE_LABELS = ("Auto (GPU if there is one)", "CPU", "GPU (CUDA)")
NORMALIZATION_LABELS = ("Global", "Relative to the window's last value",
                        "Auto", "Log (ratio to the window's last value)")
#: as options.FRONTENDS
FRONTEND_LABELS = ("Auto (length, validation)", "Raw steps",
                   "Patches of steps", "Convolutions (LSTM-FCN)",
                   "Convolutions + whole series as one step")


def add_form(widget):
    """The Network, Training, Stopping and Text boxes in the control area,
    bound to ``widget``'s settings; sets ``widget.dropout_spin`` and
    ``widget.text_box`` (hidden until text arrives)."""
    def spin(box, attr, minv, maxv, label, suffix="", **kwargs):
        control = gui.spin(
            box, widget, attr, minv, maxv, label=label,
            callback=widget.settings_changed, controlWidth=90,
            alignment=Qt.AlignRight, **kwargs)
        # with `checked`, gui.spin returns (check box, spin box)
        spin_box = control[1] if isinstance(control, tuple) else control
        spin_box.setSuffix(suffix)
        return spin_box

    box = gui.vBox(widget.controlArea, "Network")
    gui.comboBox(box, widget, "cell_index", items=CELL_LABELS,
                 label="Cell:", orientation=Qt.Horizontal,
                 callback=widget._on_cell_changed,
                 tooltip="LSTM and GRU remember over long windows; the "
                         "plain RNN is the simplest and forgets fastest.")
    spin(box, "hidden_size", 1, 1024, "Hidden units:",
         tooltip="Units per layer (and direction).")
    spin(box, "num_layers", 1, 8, "Layers:",
         tooltip="Recurrent layers stacked on each other.")
    gui.checkBox(box, widget, "bidirectional", "Bidirectional",
                 callback=widget.settings_changed,
                 tooltip="Also read each window backwards.")
    widget.dropout_spin = spin(
        box, "dropout", 0.0, 0.9, "Dropout between layers:", step=0.05,
        spinType=float, decimals=2,
        tooltip="Only acts between stacked layers (2 or more).")
    gui.comboBox(
        box, widget, "frontend_index", items=FRONTEND_LABELS,
        label="Input:", orientation=Qt.Horizontal,
        callback=widget.settings_changed,
        tooltip="What the recurrent layers read at each step.\nRaw: one "
                "value per series.\nPatches: consecutive values side by "
                "side, about 50 steps in all.\nConvolutions: learned local "
                "shapes at a quarter of the length, their average also "
                "read by the output layer.\nAuto: convolutions for "
                "sequences of 32 steps or more, else raw.")

    box = gui.vBox(widget.controlArea, "Training")
    spin(box, "epochs", 1, 10000, "Epochs:", checked="fixed_epochs",
         checkCallback=widget.settings_changed,
         tooltip="Passes over the training rows (at most: early stopping "
                 "may end before). Unchecked: enough for 4,000 gradient "
                 "steps, from 20 to 400 epochs.")
    spin(box, "batch_size", 1, 65536, "Batch size:",
         tooltip="Rows per gradient step.")
    spin(box, "learning_rate", 0.00001, 1.0, "Learning rate:",
         step=0.0001, spinType=float, decimals=5,
         tooltip="Adam's step size; lower it if the loss jumps or "
                 "turns NaN.")
    spin(box, "clip_norm", 0.01, 100.0, "Clip gradients at:",
         step=0.1, spinType=float, decimals=2, checked="clip_gradients",
         checkCallback=widget.settings_changed,
         tooltip="Scale down gradients whose norm is larger; keeps "
                 "recurrent networks from exploding.")
    spin(box, "random_seed", 0, 2 ** 31 - 1, "Random seed:",
         checked="fixed_seed", checkCallback=widget.settings_changed,
         tooltip="The same seed and data give the same model (on the "
                 "CPU). Unchecked: a different model each time.")
    gui.comboBox(box, widget, "device_index", items=DEVICE_LABELS,
                 label="Device:", orientation=Qt.Horizontal,
                 callback=widget.settings_changed)
    gui.comboBox(
        box, widget, "normalization_index", items=NORMALIZATION_LABELS,
        label="Normalization:", orientation=Qt.Horizontal,
        callback=widget.settings_changed,
        tooltip="Global: scale with the training values; predictions "
                "stay about in their range.\nRelative: read each window "
                "as differences from its last value and predict the "
                "change, so forecasts can follow a trend beyond the "
                "training range (numeric targets only).\nAuto: global, "
                "unless it does no better than the last value on the "
                "validation rows; then train a relative (or, for a "
                "positive series whose swings grow with its level, log) "
                "network too and keep the better one.\nLog: relative, of "
                "the logarithms (positive series only).")

    box = gui.vBox(widget.controlArea, "Stopping")
    spin(box, "validation_share", 0, 50, "Validation share:", suffix=" %",
         tooltip="Training rows that only measure the validation loss: "
                 "the last ones (in time order) for windows of a series, "
                 "a stratified random sample for rows that are whole "
                 "sequences. 0: none.")
    spin(box, "patience", 1, 1000, "Early stopping after:",
         suffix=" epochs", checked="early_stopping",
         checkCallback=widget.settings_changed,
         tooltip="Stop when the validation loss has not improved for "
                 "this many epochs; the best weights are kept.")

    # Shown only for text: a corpus is read word by word.
    widget.text_box = box = gui.vBox(widget.controlArea, "Text")
    spin(box, "embedding_size", 1, 1024, "Embedding size:",
         tooltip="Numbers per word: each word of the vocabulary gets a "
                 "learned vector of this length.")
    spin(box, "vocabulary_size", 1, 1000000, "Vocabulary size:",
         tooltip="The most frequent training words that get their own "
                 "vector; every other word shares one 'unknown' vector.")
    spin(box, "min_count", 1, 1000, "Minimal word count:",
         tooltip="Words seen fewer times in the training documents "
                 "count as unknown.")
    spin(box, "sequence_length", 1, 100000, "Words per document:",
         tooltip="The network reads each document's first words, up "
                 "to this many; shorter documents are padded (the "
                 "padding is skipped).")
    widget.text_box.hide()


def learner_params(widget) -> dict:
    """The RecurrentLearner's arguments from the current settings."""
    return dict(
        cell=CELLS[widget.cell_index], hidden_size=widget.hidden_size,
        num_layers=widget.num_layers, bidirectional=widget.bidirectional,
        dropout=layer_dropout(widget.num_layers, widget.dropout),
        epochs=widget.epochs if widget.fixed_epochs else None,
        batch_size=widget.batch_size,
        learning_rate=widget.learning_rate,
        clip_norm=widget.clip_norm if widget.clip_gradients else None,
        validation_size=widget.validation_share / 100,
        patience=widget.patience if widget.early_stopping else None,
        random_state=widget.random_seed if widget.fixed_seed else None,
        device=DEVICES[widget.device_index],
        normalization=NORMALIZATIONS[widget.normalization_index],
        frontend=FRONTENDS[widget.frontend_index],
        embedding_size=widget.embedding_size,
        vocabulary_size=widget.vocabulary_size, min_count=widget.min_count,
        sequence_length=widget.sequence_length)


def report_parameters(widget, is_text: bool) -> tuple:
    """The learner's parameters as the report lists them."""
    params = widget.learner_params()
    return (
        ("Cell", CELL_LABELS[widget.cell_index]),
        ("Hidden units", params["hidden_size"]),
        ("Layers", params["num_layers"]),
        ("Bidirectional", "yes" if params["bidirectional"] else "no"),
        ("Dropout", params["dropout"]),
        ("Input", FRONTEND_LABELS[widget.frontend_index]),
        ("Epochs", params["epochs"] or "from the data's size"),
        ("Batch size", params["batch_size"]),
        ("Learning rate", params["learning_rate"]),
        ("Gradient clipping", params["clip_norm"] or "off"),
        ("Random seed", "none" if params["random_state"] is None
         else params["random_state"]),
        ("Device", DEVICE_LABELS[widget.device_index]),
        ("Normalization", NORMALIZATION_LABELS[widget.normalization_index]),
        ("Validation share", f"{widget.validation_share}%"),
        ("Early stopping", f"after {widget.patience} epochs"
         if widget.early_stopping else "off"),
    ) + ((
        ("Embedding size", params["embedding_size"]),
        ("Vocabulary size", params["vocabulary_size"]),
        ("Minimal word count", params["min_count"]),
        ("Words per document", params["sequence_length"]),
    ) if is_text else ())


#: How each normalization feeds the network, in words.
NORMALIZATION_WORDS = {
    "global": "values standardized with the training rows' mean and spread",
    "relative": "changes from each window's last value",
    "log": "log ratios to each window's last value",
}


def no_validation_text(widget, independent: bool) -> str:
    """Why training had no validation part, and what to do."""
    if independent:
        return (f"No validation part: {widget.validation_share}% of these "
                "sequences is fewer than 20 rows, too few to stop on; every "
                "row trained all epochs.")
    return (f"No validation loss: {widget.validation_share}% of the rows is "
            f"fewer than one batch ({widget.batch_size} rows), so no early "
            "stopping either. Raise the validation share or lower the batch "
            "size.")


def training_summary(model, seconds: float, auto: bool) -> str:
    """The status line after training, in plain words: how long, which
    epoch's network was kept and its losses, why training ended and (for
    auto) what the network learned from and why."""
    history = model.history
    best = next((r for r in history if r.epoch == model.best_epoch),
                history[-1] if history else None)
    device = "the CPU" if model.device_used == "cpu" \
        else f"the GPU ({model.device_used})"
    lines = [f"Trained {model.epochs_trained} epochs on {device} in "
             f"{seconds:.1f} s."]
    if best is not None:
        text = f"Kept the network after epoch {best.epoch}"
        if best.val_loss is not None:
            text += (f", where the validation loss was lowest: training "
                     f"loss {format_loss(best.train_loss)}, validation loss "
                     f"{format_loss(best.val_loss)}.")
        else:
            text += f": training loss {format_loss(best.train_loss)}."
        lines.append(text)
    lines.append(f"Why it ended: {model.stop_reason}.")
    frontend = getattr(model, "frontend_used", "raw")
    why = getattr(model, "frontend_reason", "")
    if why:  # "auto: conv (figures)" or "auto: conv, since ..."
        why = why.split(frontend, 1)[-1].strip(" ,")
        if why.startswith("(") and why.endswith(")"):
            why = why[1:-1]
        lines.append(f"Auto input front-end: {frontend} ({why}).")
    elif frontend != "raw":
        lines.append(f"Input front-end: {frontend}.")
    reason = getattr(model, "normalization_reason", "")
    if auto and reason:
        used = getattr(model, "normalization_used", "global")
        # "auto: relative (figures)" or "auto: global, since ...": the
        # figures or the reason, after the choice itself
        why = reason.split(used, 1)[-1].strip(" ,")
        # "(figures)" loses its brackets, "possible (classification)" reads
        # "possible: classification" (no brackets inside the line's own)
        why = why.replace(" (", ": ").replace("(", "").replace(")", "")
        lines.append(f"Auto normalization: learned from "
                     f"{NORMALIZATION_WORDS.get(used, used)} ({why}).")
    return "\n".join(lines)


def epoch_status(report) -> str:
    """The status line while training: epoch and losses so far."""
    text = (f"Epoch {report.epoch} of {report.epochs}: training loss "
            f"{format_loss(report.train_loss)}")
    if report.val_loss is not None:
        text += f", validation loss {format_loss(report.val_loss)}"
    trying = getattr(report, "trying", "")
    if trying:  # "conv", "conv, fold 1 of 3" or "shuffle, chosen"
        kind, _, where = trying.partition(", ")
        if where == "chosen":
            text = (f"Auto input chose the {kind} front-end and trains it "
                    "on all rows. " + text)
        else:
            where = f" ({where})" if where else ""
            text = (f"Auto input is trying the {kind} front-end{where}. "
                    + text)
    elif report.run > 1:
        text = ("Auto normalization is trying a second network, on "
                "changes from each window's last value. " + text)
    return text + "."


def training_report(model) -> tuple:
    """The report's "Training" section for a trained model."""
    last = model.history[-1]
    return (
        ("Epochs trained", model.epochs_trained),
        ("Kept epoch", model.best_epoch),
        ("Final training loss", format_loss(last.train_loss)),
        ("Final validation loss", format_loss(last.val_loss)),
        ("Stopped", model.stop_reason),
        ("Device", model.device_used),
        ("Normalization", getattr(model, "normalization_reason", "")
         or getattr(model, "normalization_used", "global")),
        ("Input front-end", getattr(model, "frontend_reason", "")
         or getattr(model, "frontend_used", "raw")),
    )
