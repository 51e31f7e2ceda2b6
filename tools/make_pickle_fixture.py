"""Pickle models trained by the code at this commit, with the data they predict
on and their predictions, so later code can prove old pickles still load.

    PYTHONPATH=. python tools/make_pickle_fixture.py tests/fixtures/models-<commit>.pkl
"""
import os, pickle, sys
os.environ["OMP_NUM_THREADS"] = "1"
import numpy as np
from Orange.data import Table, Domain, ContinuousVariable, DiscreteVariable, StringVariable
from orangecontrib.recurrent import make_windows, RecurrentLearner
from tests.series import sine_table

series = sine_table()[:600]
windows = make_windows(series, 10)
glob = RecurrentLearner(epochs=2, hidden_size=8, normalization="global")(windows)
rel = RecurrentLearner(epochs=2, hidden_size=8, normalization="relative")(windows)
rng = np.random.default_rng(0)
X = rng.normal(size=(60, 12)); y = (X[:, -1] > 0).astype(float)
dom = Domain([ContinuousVariable(f"v{i}") for i in range(12)], DiscreteVariable("c", values=("a", "b")))
cls_table = Table.from_numpy(dom, X, y)
cls = RecurrentLearner(epochs=2, hidden_size=8, cell="gru")(cls_table)
# text, as a table with a text meta (no Orange3-Text needed to load it)
text_var = StringVariable("text"); text_var.attributes["include"] = True
docs = ["good fine great", "bad awful poor", "great good", "poor bad"] * 10
tdom = Domain([], DiscreteVariable("s", values=("neg", "pos")), metas=[text_var])
ttable = Table.from_numpy(tdom, np.empty((40, 0)), np.array([1, 0, 1, 0] * 10, float), metas=np.array(docs, object)[:, None])
txt = RecurrentLearner(epochs=2, hidden_size=8, min_count=1)(ttable)
cases = {
    "global": (glob, windows[-50:]),
    "relative": (rel, windows[-50:]),
    "classifier": (cls, cls_table),
    "text": (txt, ttable),
}
out = {}
for name, (model, data) in cases.items():
    out[name] = dict(model=pickle.dumps(model), data=data,
                     values=model(data), probs=model(data, model.Probs) if name in ("classifier", "text") else None)
with open(sys.argv[1], "wb") as f:
    pickle.dump(out, f)
print({k: type(v["model"]) for k, v in out.items()})
