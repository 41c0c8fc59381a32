"""The wheel: what it ships, and a user's first steps with it, far from any checkout.

The wheel is built once from a copy of the repository (so no build/ or *.egg-info lands in the
checkout). Two installs of it:

- ``pip install --target`` (no dependencies, offline): checks of what the wheel contains;
- a fresh virtualenv outside the repository, dependencies from PyPI as for a user: there
  ``pysr-lite install-julia`` runs the script shipped in the package, a search with no Julia
  fails at once with that advice, and a search runs with an empty Julia depot, so the engine
  is precompiled from the installed copy.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pysr_lite.julia_install import how_pysr_lite_finds
from pysr_lite.julia_platforms import current_platform, installs_with_debian_script

REPO = Path(__file__).resolve().parents[1]
ENGINE_SOURCES = ("src", "julia")
NOT_PART_OF_A_BUILD = (
    ".git", ".venv", ".pytest_cache", "__pycache__", "*.pyc", "build", "dist", "*.egg-info",
    "outputs", "_julia_engine",
)
PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]


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


def run(command, timeout, **kwargs):
    """Run ``command``; fail the test with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built from a copy of the repository."""
    base = tmp_path_factory.mktemp("wheel")
    source, dist = base / "source", base / "dist"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_PART_OF_A_BUILD))
    command = [sys.executable, *PIP, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist)]
    if can_build_offline():
        command += ["--no-build-isolation", "--no-index"]
    run(command + [str(source)], timeout=300)
    (built,) = dist.glob("pysr_lite-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """``(target, elsewhere)``: the wheel installed with ``--target``, and an unrelated working directory."""
    base = tmp_path_factory.mktemp("install")
    target, elsewhere = base / "target", base / "elsewhere"
    elsewhere.mkdir()
    run([sys.executable, *PIP, "install", "--quiet", "--no-deps", "--no-index", "--no-warn-script-location",
         "--target", str(target), str(wheel)], timeout=300)
    return target, elsewhere


def run_installed_python(installed, code, timeout=120):
    """Run ``code`` in a fresh interpreter that can see the installed package but not the repo."""
    target, elsewhere = installed
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(target)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_wheel_ships_the_package_the_julia_engine_and_the_install_script(installed):
    target, _ = installed
    package = target / "pysr_lite"
    engine = package / "_julia_engine"
    assert (engine / "Project.toml").is_file()
    assert (engine / "src" / "PySRLite.jl").is_file()
    assert engine_files_in(engine) == engine_files_in(REPO)
    assert any(engine.joinpath("julia").rglob("*.jl"))
    assert (package / "install_julia.sh").read_text() == (REPO / "pysr_lite" / "install_julia.sh").read_text()

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


# ----------------------------------------------------------------------------------------------
# A user's virtualenv
# ----------------------------------------------------------------------------------------------


class UserEnvironment:
    """A fresh virtualenv with the wheel installed, used from a directory outside the repository."""

    def __init__(self, base: Path, wheel: Path):
        self.venv, self.home, self.depot = base / "venv", base / "home", base / "julia_depot"
        self.home.mkdir()
        run([sys.executable, "-m", "venv", str(self.venv)], timeout=120)
        # Dependencies come from PyPI (pip's cache makes that quick); --no-compile skips
        # byte-compiling sympy and pandas, which would take most of the install's time.
        run([str(self.bin / "python"), *PIP, "install", "--quiet", "--no-compile", str(wheel)], timeout=600)

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def run(self, command, *, with_julia=True, timeout=240):
        """Run ``[program, *args]`` (a program of the venv) in ``home``, the venv first on PATH, with
        an empty Julia depot of its own. ``with_julia=False``: no Julia anywhere (PATH is the venv only)."""
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "JULIA_", "VIRTUAL_ENV"))}
        env.update(PATH=str(self.bin), VIRTUAL_ENV=str(self.venv), JULIA_DEPOT_PATH=str(self.depot))
        if with_julia:
            env["PATH"] += os.pathsep + os.environ["PATH"]  # PYSR_LITE_JULIA, if set, stays too
        else:
            env.pop("PYSR_LITE_JULIA", None)
        return subprocess.run([str(self.bin / command[0]), *command[1:]], cwd=self.home, env=env,
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def user(wheel, tmp_path_factory):
    return UserEnvironment(tmp_path_factory.mktemp("user"), wheel)


TINY_SEARCH = """
    import numpy as np
    import pysr_lite
    X = np.random.default_rng(0).uniform(1, 3, size=(20, 2))
    r = pysr_lite.search(X, X[:, 0] * X[:, 1] + 2, binary_operators=["+", "*"], niterations=5, populations=4,
                         population_size=20, maxsize=10, random_state=0, deterministic=True, threads=1,
                         verbosity=0)
    print(r.best().sympy())
    print(r.run_directory)
"""


def test_install_julia_from_the_wheel_keeps_the_julia_there_and_says_how_it_is_found(user, engine):
    """Julia is installed already (the tests need it): the command keeps it, as often as it runs."""
    outputs = [user.run(["pysr-lite", "install-julia"], timeout=120) for _ in range(2)]
    for result in outputs:
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
        if installs_with_debian_script(current_platform()):
            assert "install_julia: using" in result.stdout  # the shipped script ran, and installed nothing
        assert how_pysr_lite_finds(engine.julia) in result.stdout
    assert outputs[0].stdout == outputs[1].stdout


def test_a_search_without_julia_fails_at_once_naming_install_julia(user):
    result = user.run(["python", "-c", textwrap.dedent(TINY_SEARCH)], with_julia=False, timeout=60)
    assert result.returncode != 0
    assert "JuliaNotFoundError: pysr_lite needs Julia >= 1.5 to run searches, but no `julia` was found on PATH." in result.stderr
    assert "pysr-lite install-julia" in result.stderr
    assert not (user.home / "outputs").exists()


def test_a_search_runs_from_the_wheel_with_an_empty_julia_depot(user, engine):
    assert not user.depot.exists()
    result = user.run(["python", "-c", textwrap.dedent(TINY_SEARCH)], timeout=300)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    equation, run_directory = result.stdout.strip().splitlines()[-2:]
    assert equation == "x0*x1 + 2.0"
    assert Path(run_directory).parent == user.home / "outputs"
    # The engine was precompiled into the fresh depot, from the copy inside the venv.
    (installed_engine,) = user.venv.glob("lib/python*/site-packages/pysr_lite/_julia_engine/src/PySRLite.jl")
    (cache,) = user.depot.glob("compiled/*/PySRLite/*.ji")
    assert str(installed_engine).encode() in cache.read_bytes()
