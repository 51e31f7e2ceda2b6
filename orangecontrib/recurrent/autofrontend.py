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
part worth comparing on. There no single front-end wins: the dimension
shuffle (:class:`~orangecontrib.recurrent.frontends.ShuffleFrontEnd`) scored
0.83 on ArrowHead against conv's 0.78, but 0.89 on BasicMotions against 0.98
(and 0.69 on OSULeaf against 0.84). So such tables (with ``epochs=None`` and
a ``validation_size`` above 0) are asked by CV_FOLDS-fold cross-validation
on their training rows (stratified by class, seeded by ``random_state``):
each of CV_CANDIDATES is trained on every fold's other rows, and the one
with the lower mean loss on the held-out rows (every row held out once) is
then trained on all rows. Out-of-fold losses measured on ArrowHead (seeds
0-2, conv / shuffle): 0.82 / 0.68, 0.78 / 0.62, 0.67 / 0.63; on
BasicMotions: 0.11 / 0.59, 0.17 / 0.72, 0.11 / 0.67. The lower mean decides,
not MARGIN_SE: every row is held out once (36 rows, not 20), and on
ArrowHead the difference was in the same direction at seeds 0-2 (not at seed
4 of 3-5) but within one standard error. Cross-validation costs about
``CV_FOLDS * len(CV_CANDIDATES) * 2/3`` fits more (ArrowHead: 6 s to 31 s of
CPU). Windows of a series keep the rule (their validation part is the
chronological tail, and their windows are short), as does a learner given
its epochs (every saved workflow). No torch here: the networks are fit by
the callable the learner passes in.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

from orangecontrib.recurrent.options import (
    AUTO, CLASSIFICATION, CONV, PATCH, SHUFFLE,
)
from orangecontrib.recurrent.reports import StopReason
from orangecontrib.recurrent.seriesfit import series_rows
from orangecontrib.recurrent.sizing import (
    CONV_STEPS, MIN_VALIDATION, auto_frontend, plan_training,
)

__all__ = ["CANDIDATES", "CV_CANDIDATES", "CV_FOLDS", "FrontendChoice",
           "plan_frontend", "cv_folds", "choose_frontend"]

#: The front-ends "auto" compares on a validation part, the rule's first.
CANDIDATES = (CONV, PATCH, SHUFFLE)
#: ... and by cross-validation where there is no validation part.
CV_CANDIDATES = (CONV, SHUFFLE)
#: Folds of that cross-validation.
CV_FOLDS = 3
#: Another candidate replaces the rule's when its mean validation loss is
#: lower by more than this many standard errors of the per-row differences.
MARGIN_SE = 2.0


@dataclass(frozen=True)
class FrontendChoice:
    """The front-end decided before training (``frontend``, with
    ``reason``), or the ``candidates`` to compare on the validation part
    (then ``frontend`` is the rule's choice, tried first, and
    ``validation_index`` the validation rows, or ``folds`` the held-out
    rows of each fold of cross-validation)."""
    frontend: str
    reason: str = ""
    candidates: Tuple[str, ...] = ()
    validation_index: Optional[np.ndarray] = None
    folds: Tuple[np.ndarray, ...] = ()


def cv_folds(targets: Optional[np.ndarray], n: int, k: int,
             random_state: Optional[int]) -> Tuple[np.ndarray, ...]:
    """The held-out rows of ``k`` folds of ``n`` rows: stratified by
    ``targets`` (class indices) when given, every class in every fold;
    () when a class has fewer than ``k`` rows or there are fewer than
    ``2 * k`` rows."""
    # pylint: disable=import-outside-toplevel
    from sklearn.model_selection import KFold, StratifiedKFold
    if n < 2 * k or (targets is not None
                     and np.bincount(targets)[np.unique(targets)].min() < k):
        return ()
    if targets is None:
        split = KFold(k, shuffle=True, random_state=random_state) \
            .split(np.zeros(n))
    else:
        split = StratifiedKFold(k, shuffle=True, random_state=random_state) \
            .split(np.zeros(n), targets)
    return tuple(np.sort(held) for _, held in split)


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
    folds = ()
    if plan.independent and learner.epochs is None \
            and learner.validation_size > 0:
        folds = cv_folds(series.targets, rows, CV_FOLDS,
                         learner.random_state)
        if folds:
            return FrontendChoice(rule, candidates=CV_CANDIDATES,
                                  folds=folds)
    why = ("windows of a series are not compared on validation"
           if not plan.independent else
           "epochs are set, so there is no validation part to compare "
           "front-ends on" if learner.epochs is not None else
           "validation_size is 0, so no rows are held out to compare "
           "front-ends on" if not learner.validation_size > 0 else
           f"there are fewer than {MIN_VALIDATION} validation rows, and too "
           f"few rows of some class for {CV_FOLDS}-fold cross-validation, "
           "to compare front-ends on")
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

    ``fit(series, relative, run=1, frontend=..., trying="")`` trains one
    network on ``series`` (or some of its rows) and returns its model.
    Returns the model already trained with ``relative`` on all rows (the
    one kept among the candidates; None when nothing was trained), a
    ``fit(relative, run=1)`` bound to the chosen front-end and ``series``
    (its run numbers after those of the candidates), and the reason in
    words.
    """
    choice = plan_frontend(learner, series)
    if not choice.candidates:
        def bound(rel, run=1):
            return fit(series, rel, run=run, frontend=choice.frontend)
        return None, bound, choice.reason
    if choice.folds:
        return _cross_validate(series, fit, relative, choice)
    rows = np.asarray(choice.validation_index)
    models, losses = [], []
    for run, kind in enumerate(choice.candidates, start=1):
        model = fit(series, relative, run=run, frontend=kind, trying=kind)
        models.append(model)
        losses.append(row_losses(model, series, rows))
        if model.stop is StopReason.CALLBACK:
            break
    keep = models[0]
    if len(models) < len(choice.candidates):
        reason = (f"auto: {choice.candidates[0]}, since training was "
                  "stopped before the other front-ends were tried")
    else:
        best, reason = _compare(choice.candidates, losses)
        keep = models[best]
    offset = len(models)
    chosen = keep.frontend_used

    def bound_chosen(rel, run=1):  # (auto normalization's second network)
        return fit(series, rel, run=run + offset, frontend=chosen)
    return keep, bound_chosen, reason


def _cross_validate(series, fit, relative, choice):
    """:func:`choose_frontend` by cross-validation: every candidate on
    every fold's other rows, losses on its held-out rows; nothing trained
    on all rows yet (None), unless training was stopped: then the network
    it stopped in is kept."""
    n, k = len(series.y), len(choice.folds)
    losses = [np.zeros(n) for _ in choice.candidates]
    run = 0
    for fold, held in enumerate(choice.folds, start=1):
        part = series_rows(series, np.setdiff1d(np.arange(n), held))
        for kind, loss in zip(choice.candidates, losses):
            run += 1
            model = fit(part, relative, run=run, frontend=kind,
                        trying=f"{kind}, fold {fold} of {k}")
            if model.stop is StopReason.CALLBACK:
                def bound_stopped(rel, run=1, kind=kind, done=run):
                    return fit(series, rel, run=run + done, frontend=kind)
                return model, bound_stopped, (
                    f"auto: {kind}, since training was stopped during "
                    f"cross-validation (the model kept was trained on "
                    f"{n - len(held)} of {n} rows)")
            loss[held] = row_losses(model, series, held)
    means = [float(np.mean(loss)) for loss in losses]
    # the lowest mean; the first (the rule's) on a tie
    best, runner_up = np.argsort(means, kind="stable")[:2]
    chosen = choice.candidates[best]
    diff = losses[runner_up] - losses[best]
    se = float(np.std(diff, ddof=1) / np.sqrt(n))
    figures = ", ".join(f"{kind} {mean:.4g}"
                        for kind, mean in zip(choice.candidates, means))
    reason = (f"auto: {chosen} ({k}-fold cross-validation on {n} rows: "
              f"mean held-out loss {figures}; the lower kept, difference "
              f"{float(np.mean(diff)):.2g}, standard error {se:.2g})")

    def bound_chosen(rel, run=1):
        return fit(series, rel, run=run + k * len(losses),
                   frontend=chosen, trying=f"{chosen}, chosen")
    return None, bound_chosen, reason


def _compare(candidates, losses) -> Tuple[int, str]:
    """The index of the candidate kept and the reason, "auto: KIND (...)":
    the first (the rule's), unless another's loss is lower by MARGIN_SE
    standard errors of the paired differences."""
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
        return best, (
            f"auto: {candidates[best]} (validation loss {figures} on {n} "
            f"held-out rows; {candidates[best]} lower by more than "
            f"{MARGIN_SE:g} standard errors, {margin:.2g})")
    return 0, (
        f"auto: {candidates[0]} (validation loss {figures} on {n} held-out "
        f"rows; no other front-end lower by more than {MARGIN_SE:g} standard "
        "errors of the difference, so the length rule's choice stays)")
