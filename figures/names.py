"""The names of the registered figures, in build order (a module with no imports, so that
the command line can check ``--only`` without loading matplotlib).

Example:

>>> "trajectories" in FIGURES
True
"""

__all__ = ["FIGURES"]

#: Registered figure modules, in the order they are built (module name == NAME).
FIGURES = (
    "trajectories",
    "increments",
    "same_law",
    "gallery",
    "lr_sweep",
    "brackets",
    "loss_curves",
    "contraction_region",
    "lyapunov_rates",
    "real_data",
    "orders",
    "phase_diagram",
    "nn_training",
    "nn_stability",
    "nn_local_contraction",
)
