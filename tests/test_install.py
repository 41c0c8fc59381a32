"""A non-editable install ships the Julia engine and works from any directory.

The package is built from a copy of the repository (so no build/ or *.egg-info lands in the
checkout) and installed with ``pip install --target``; every check then runs in a separate
Python process whose working directory is elsewhere and whose only extra path is the target.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENGINE_SOURCES = ("src", "julia")
NOT_PART_OF_A_BUILD = (
    ".git", ".venv", ".pytest_cache", "__pycache__", "*.pyc", "build", "dist", "*.egg-info",
    "outputs", "_julia_engine",
)


def engine_files_in(root):
    """Relative paths of the engine's .jl/.toml files under ``root``."""
    files = {Path(name) for name in ("Project.toml",) if (root / name).is_file()}
    for tree in ENGINE_SOURCES:
        files |= {
            path.relative_to(root)
            for path in (root / tree).rglob("*")
            if path.is_file() and path.suffix in (".jl", ".toml")
        }
    return files


def can_build_offline():
    """Whether this interpreter has the build backend, so pip needs no network to build."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    # setuptools >= 70.1 has bdist_wheel itself; older ones need the wheel package.
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(target, elsewhere)``: the install directory and an unrelated working directory."""
    base = tmp_path_factory.mktemp("install")
    source, target, elsewhere = base / "source", base / "target", base / "elsewhere"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_PART_OF_A_BUILD))
    elsewhere.mkdir()
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
               "--disable-pip-version-check", "--no-warn-script-location", "--target", str(target)]
    if can_build_offline():
        command += ["--no-build-isolation", "--no-index"]
    result = subprocess.run(command + [str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"pip install failed:\n{result.stdout}\n{result.stderr}"
    return target, elsewhere


def run_installed_python(installed, code, timeout=120):
    """Run ``code`` in a fresh interpreter that can see the installed package but not the repo."""
    target, elsewhere = installed
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(target)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_wheel_ships_the_package_and_the_julia_engine(installed):
    target, _ = installed
    package = target / "pysr_lite"
    engine = package / "_julia_engine"
    assert (engine / "Project.toml").is_file()
    assert (engine / "src" / "PySRLite.jl").is_file()
    assert engine_files_in(engine) == engine_files_in(REPO)
    assert any(engine.joinpath("julia").rglob("*.jl"))

    shipped_datasets = {path.name for path in package.glob("datasets/*.csv")}
    assert shipped_datasets == {path.name for path in REPO.glob("pysr_lite/datasets/*.csv")}
    if (REPO / "pysr_lite" / "export" / "__init__.py").is_file():
        assert (package / "export" / "__init__.py").is_file()
    assert (target / "bin" / "pysr-lite").is_file(), "console script pysr-lite missing"
    # Only our package: the Julia src/ and the tests must not become top-level Python packages.
    stray = {path.name for path in target.iterdir()} & {"src", "julia", "tests", "_julia_engine"}
    assert not stray


def test_installed_package_is_imported_from_the_target(installed):
    target, _ = installed
    result = run_installed_python(installed, f"""
        import sys
        from pathlib import Path
        import pysr_lite
        repo = Path({str(REPO)!r})
        assert repo not in [Path(entry or ".").resolve() for entry in sys.path], sys.path
        print(pysr_lite.__file__)
    """)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve().is_relative_to(target.resolve())


def julia_available():
    candidate = os.environ.get("PYSR_LITE_JULIA") or "julia"
    return shutil.which(candidate) is not None


@pytest.mark.skipif(not julia_available(), reason="no julia (PYSR_LITE_JULIA or PATH)")
def test_installed_package_runs_a_search_from_another_directory(installed):
    result = run_installed_python(installed, """
        import numpy as np
        import pysr_lite
        X = np.random.default_rng(0).normal(size=(50, 1))
        r = pysr_lite.search(X, 2 * X[:, 0], niterations=3, populations=2, population_size=20,
                             random_state=0, deterministic=True, verbosity=0)
        print(r.best().sympy())
    """, timeout=300)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert result.stdout.strip()
