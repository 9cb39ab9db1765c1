"""The paper's experiments at small scale (arXiv:2502.01557, Section 5): forward and
backward SGD on a neural network, run with the toolkit's exact algorithms.

* :mod:`revsgd.experiments.digits`: the configuration and the runner of ``revsgd experiment
  digits`` (an MLP on scikit-learn's digits, :func:`revsgd.models.digits_mlp`), and the layout of
  its JSON object;
* :mod:`revsgd.experiments.runs`: every order on the same words, the exact backward
  compositions by the wavefront of :mod:`revsgd.theory.engine` on the recorded rows;
* :mod:`revsgd.experiments.metrics`: the curves, their summaries and the paired tests;
* :mod:`revsgd.experiments.contraction`: is the region contractive (curvature, measured
  contraction, backward increment rates);
* :mod:`revsgd.experiments.report`: the JSON object and the table of findings.

The modules load numpy only; JAX and scikit-learn load when an experiment runs.
"""

__all__: list[str] = []
