"""Every module of the installed ``revsgd`` package, for tests that walk them all."""

import importlib
import pkgutil

import revsgd

#: sub-packages mapped from repository folders (an editable install finds them by a
#: finder, so they are walked from their own paths)
MAPPED = ("revsgd.theory", "revsgd.models", "revsgd.proofs_check", "revsgd.figures")


def package_modules() -> list[str]:
    """Sorted names of every module of the package (``__main__`` modules left out)."""
    names = {"revsgd", *MAPPED}
    for prefix, path in [("revsgd", revsgd.__path__)] + [(p, importlib.import_module(p).__path__) for p in MAPPED]:
        for info in pkgutil.walk_packages(path, prefix + "."):
            if not info.name.rsplit(".", 1)[-1].startswith("__"):
                names.add(info.name)
    return sorted(names)
