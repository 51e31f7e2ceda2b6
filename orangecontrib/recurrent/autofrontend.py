"""How ``frontend="auto"`` chooses the input front-end, and the reason it
gives.

Sequences shorter than CONV_STEPS (the usual windows of a series) are read
raw, longer ones through convolutions (:func:`~orangecontrib.recurrent.
sizing.auto_frontend`): the rule that held on UCR ArrowHead, OSULeaf and UEA
BasicMotions (benchmarks/README-accuracy.md). A rule can be wrong for a
given table, so where the table can tell, it is asked: rows that are
independent sequences of at least CONV_STEPS steps, trained with
``epochs=None`` (which holds back a stratified validation part), with a
validation part of at least MIN_VALIDATION rows, train one network per
candidate (CANDIDATES) and compare their losses on the validation rows, as
``normalization="auto"`` does (:mod:`orangecontrib.recurrent.autonorm`).
Twenty rows are few: on OSULeaf (20 validation rows, seed 0) patches had
the lower validation loss (0.54 against 0.63) and scored 0.74 on the test
part against the convolutions' 0.84. So the rule's choice stays unless
another candidate's loss is lower on the same rows by more than
MARGIN_SE standard errors of the paired per-row differences (a paired test),
and the reason gives both losses and the difference.
Smaller tables (ArrowHead's 36 rows, BasicMotions' 40) have no validation
part worth comparing on and keep the rule; windows of a series keep it too
(their validation part is the chronological tail, and their windows are
short). No torch here: the networks are fit by the callable the learner
passes in.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

from orangecontrib.recurrent.options import AUTO, CLASSIFICATION, CONV, PATCH
from orangecontrib.recurrent.reports import StopReason
from orangecontrib.recurrent.sizing import (
    CONV_STEPS, MIN_VALIDATION, auto_frontend, plan_training,
)

__all__ = ["CANDIDATES", "FrontendChoice", "plan_frontend",
           "choose_frontend"]

#: The front-ends "auto" compares on a validation part, the rule's first.
CANDIDATES = (CONV, PATCH)
#: Another candidate replaces the rule's when its mean validation loss is
#: lower by more than this many standard errors of the per-row differences.
MARGIN_SE = 2.0


@dataclass(frozen=True)
class FrontendChoice:
    """The front-end decided before training (``frontend``, with
    ``reason``), or the ``candidates`` to compare on the validation part
    (then ``frontend`` is the rule's choice, tried first, and
    ``validation_index`` the validation rows)."""
    frontend: str
    reason: str = ""
    candidates: Tuple[str, ...] = ()
    validation_index: Optional[np.ndarray] = None


def plan_frontend(learner, series) -> FrontendChoice:
    """What ``learner`` (its ``frontend``, ``epochs``, ...) does on
    ``series`` (a :class:`~orangecontrib.recurrent.seriesfit.SeriesData`):
    a front-end given by name is used as it is, without a reason."""
    if learner.frontend != AUTO:
        return FrontendChoice(learner.frontend)
    rows, steps = series.sequences.shape[:2]
    rule = auto_frontend(steps)
    if steps < CONV_STEPS:
        return FrontendChoice(rule, (
            f"auto: {rule}, since the sequences have {steps} steps, fewer "
            f"than {CONV_STEPS}"))
    plan = plan_training(learner, series.domain, rows, steps, series.task,
                         series.targets, series.sequences.shape[2])
    n_val = 0 if plan.validation_index is None \
        else len(plan.validation_index)
    if n_val >= MIN_VALIDATION:
        return FrontendChoice(rule, candidates=CANDIDATES,
                              validation_index=plan.validation_index)
    why = ("windows of a series are not compared on validation"
           if not plan.independent else
           "epochs are set, so there is no validation part to compare "
           "front-ends on" if learner.epochs is not None else
           f"there are fewer than {MIN_VALIDATION} validation rows to "
           "compare front-ends on")
    return FrontendChoice(rule, (
        f"auto: {rule}, since the sequences have {steps} steps, at least "
        f"{CONV_STEPS}, and {why}"))


def row_losses(model, series, rows: np.ndarray) -> np.ndarray:
    """The loss of ``model`` on each of ``rows`` of ``series``: the
    cross-entropy of the true class, or the squared error (in the target's
    units, the same for every candidate)."""
    predicted = model.predict(series.X[rows])
    if series.task == CLASSIFICATION:
        true = predicted[np.arange(len(rows)), series.targets[rows]]
        return -np.log(np.clip(true, 1e-12, None))
    return ((predicted - series.y[rows]) ** 2).reshape(len(rows), -1) \
        .mean(axis=1)


def choose_frontend(learner, series, fit: Callable, relative: bool = False
                    ) -> Tuple[Optional[object], Callable, str]:
    """Decide the front-end for ``learner`` on ``series``.

    ``fit(relative, run=1, frontend=..., trying="")`` trains one network and
    returns its model. Returns the model already trained with ``relative``
    (the one kept among the candidates; None when nothing was trained), a
    ``fit(relative, run=1)`` bound to the chosen front-end (its run numbers
    after those of the candidates), and the reason in words.
    """
    choice = plan_frontend(learner, series)
    if not choice.candidates:
        def bound(rel, run=1):
            return fit(rel, run=run, frontend=choice.frontend)
        return None, bound, choice.reason
    rows = np.asarray(choice.validation_index)
    models, losses = [], []
    for run, kind in enumerate(choice.candidates, start=1):
        model = fit(relative, run=run, frontend=kind, trying=kind)
        models.append(model)
        losses.append(row_losses(model, series, rows))
        if model.stop is StopReason.CALLBACK:
            break
    keep = models[0]
    if len(models) < len(choice.candidates):
        reason = (f"auto: {choice.candidates[0]}, since training was "
                  "stopped before the other front-ends were tried")
    else:
        reason = _compare(choice.candidates, losses)
        keep = models[choice.candidates.index(reason.split()[1])]
    offset = len(models)
    chosen = keep.frontend_used

    def bound_chosen(rel, run=1):  # (auto normalization's second network)
        return fit(rel, run=run + offset, frontend=chosen)
    return keep, bound_chosen, reason


def _compare(candidates, losses) -> str:
    """The reason, "auto: KIND (...)", for the candidate kept: the first
    (the rule's), unless another's loss is lower by MARGIN_SE standard
    errors of the paired differences."""
    means = [float(np.mean(loss)) for loss in losses]
    figures = ", ".join(f"{kind} {mean:.4g}"
                        for kind, mean in zip(candidates, means))
    n = len(losses[0])
    best, margin = 0, 0.0
    for i in range(1, len(candidates)):
        diff = losses[0] - losses[i]
        se = float(np.std(diff, ddof=1) / np.sqrt(n)) if n > 1 else np.inf
        if np.mean(diff) > MARGIN_SE * se and means[i] < means[best]:
            best, margin = i, se
    if best:
        return (f"auto: {candidates[best]} (validation loss {figures} on "
                f"{n} held-out rows; {candidates[best]} lower by more than "
                f"{MARGIN_SE:g} standard errors, {margin:.2g})")
    return (f"auto: {candidates[0]} (validation loss {figures} on {n} "
            f"held-out rows; no other front-end lower by more than "
            f"{MARGIN_SE:g} standard errors of the difference, so the length "
            "rule's choice stays)")
