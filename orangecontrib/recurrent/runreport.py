"""What a headless workflow run reports: per node its state, messages and
outputs, and the run's outcome, as data and as the text the runner prints.
No Qt here."""
from dataclasses import dataclass, field
from typing import Any, Dict, List

__all__ = ["NodeReport", "RunReport", "summarize", "summarize_results",
           "format_report", "raising_node"]


@dataclass
class NodeReport:
    """What one node did: its messages and a summary of its outputs."""
    title: str
    widget: str
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    infos: List[str] = field(default_factory=list)
    #: output channel name -> one-line summary of the value sent on it
    outputs: Dict[str, str] = field(default_factory=dict)

    @property
    def state(self) -> str:
        if self.errors:
            return "error"
        if self.warnings:
            return "warning"
        return "ok"


@dataclass
class RunReport:
    """The outcome of one run: per-node reports and what went wrong."""
    path: str
    nodes: List[NodeReport] = field(default_factory=list)
    #: problems that belong to no node: partial load, escaped exceptions
    errors: List[str] = field(default_factory=list)
    timed_out: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.timed_out or self.errors
                    or any(node.errors for node in self.nodes))


def raising_node(tb, widgets: Dict[Any, Any]):
    """The node whose widget raised: of a traceback's frames, the innermost
    whose ``self`` is one of ``widgets`` (node -> widget); None when none
    is (the exception then belongs to the run, not to a node)."""
    nodes = {id(widget): node for node, widget in widgets.items()}
    found = None
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        found = nodes.get(id(owner), found)
        tb = tb.tb_next
    return found


def summarize(value: Any) -> str:
    """A one-line description of a value sent on an output."""
    # pylint: disable=import-outside-toplevel
    from Orange.data import Table
    from Orange.base import Learner, Model
    from Orange.evaluation import Results

    if value is None:
        return "None"
    if isinstance(value, Table):
        domain = value.domain
        text = f"Table: {len(value)} rows x {len(domain.attributes)} " \
               f"features"
        if domain.class_vars:
            text += ", target " + ", ".join(v.name for v in domain.class_vars)
        if domain.metas:
            text += f", {len(domain.metas)} metas"
        return text
    if isinstance(value, Results):
        return summarize_results(value)
    if isinstance(value, (Learner, Model)):
        kind = "Learner" if isinstance(value, Learner) else "Model"
        return f"{kind}: {getattr(value, 'name', type(value).__name__)}"
    return type(value).__name__


def summarize_results(results) -> str:
    """Evaluation results with one score per model (RMSE or CA)."""
    # pylint: disable=import-outside-toplevel
    from Orange.evaluation import CA, RMSE

    names = list(getattr(results, "learner_names", None)
                 or [f"model {i}" for i in range(len(results.predicted))])
    text = f"Results: {len(names)} models on {len(results.actual)} rows"
    try:
        if results.domain.has_continuous_class:
            score, values = "RMSE", RMSE(results)
        else:
            score, values = "CA", CA(results)
    except Exception:  # pylint: disable=broad-except
        # Empty or failed results have no score; the summary says so.
        return text + "; no scores"
    return text + "; " + score + ": " + ", ".join(
        f"{name} {val:.4g}" for name, val in zip(names, values))


def format_report(report: RunReport) -> str:
    """The report as the command line prints it."""
    lines = [f"Workflow: {report.path}"]
    for node in report.nodes:
        lines.append(f"[{node.state}] {node.title} ({node.widget})")
        for prefix, messages in (("error", node.errors),
                                 ("warning", node.warnings),
                                 ("info", node.infos)):
            lines.extend(f"    {prefix}: {text}" for text in messages)
        lines.extend(f"    -> {name}: {summary}"
                     for name, summary in node.outputs.items())
    lines.extend(f"ERROR: {text}" for text in report.errors)
    failed = sum(bool(node.errors) for node in report.nodes)
    status = "FAILED" if not report.ok else "OK"
    lines.append(f"{status}: {len(report.nodes)} nodes, {failed} with errors, "
                 f"{report.seconds:.1f} s"
                 + (", timed out" if report.timed_out else ""))
    return "\n".join(lines)
