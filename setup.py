"""Build hook that ships the Julia engine inside the wheel; all metadata is in pyproject.toml.

A non-editable install (``pip install .``) gets a copy of the engine at
``pysr_lite/_julia_engine/`` (``Project.toml``, ``src/`` and ``julia/``), so the installed
package runs searches from any directory. Editable installs skip the copy: there the engine
is found at the repository root.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
ENGINE_PACKAGE_DIR = Path("pysr_lite", "_julia_engine")
ENGINE_TREES = ("src", "julia")
ENGINE_SUFFIXES = (".jl", ".toml")
REQUIRED_ENGINE_FILES = (Path("Project.toml"), Path("src", "PySRLite.jl"))


def engine_files():
    """Relative paths of every engine file to ship, e.g. ``src/PySRLite.jl``."""
    missing = [str(path) for path in REQUIRED_ENGINE_FILES if not (ROOT / path).is_file()]
    if missing:
        raise SystemExit(
            f"pysr-lite: the Julia engine is incomplete in {ROOT} (missing {', '.join(missing)}); "
            "a wheel without it could not run any search."
        )
    files = [Path(name) for name in ("Project.toml", "Manifest.toml") if (ROOT / name).is_file()]
    for tree in ENGINE_TREES:
        files += sorted(
            path.relative_to(ROOT)
            for path in (ROOT / tree).rglob("*")
            if path.is_file() and path.suffix in ENGINE_SUFFIXES
        )
    return files


class build_py_with_julia_engine(build_py):
    """``build_py`` that also copies the Julia engine into the build directory."""

    def _ships_engine(self):
        return not getattr(self, "editable_mode", False)

    def run(self):
        super().run()
        if not self._ships_engine():
            return
        target = Path(self.build_lib, ENGINE_PACKAGE_DIR)
        # Start clean so files deleted from the repository never linger in a reused build/.
        if target.exists() and not self.dry_run:
            shutil.rmtree(target)
        for relative in engine_files():
            destination = target / relative
            self.mkpath(str(destination.parent))
            self.copy_file(str(ROOT / relative), str(destination))

    def get_outputs(self, include_bytecode=1):
        outputs = super().get_outputs(include_bytecode)
        if self._ships_engine():
            target = Path(self.build_lib, ENGINE_PACKAGE_DIR)
            outputs += [str(target / relative) for relative in engine_files()]
        return outputs


setup(cmdclass={"build_py": build_py_with_julia_engine})
