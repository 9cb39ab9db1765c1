"""The paper's experiments at small scale (arXiv:2502.01557, Section 5): forward and
backward SGD on a neural network, run with the toolkit's exact algorithms.
"""

__all__: list[str] = []
