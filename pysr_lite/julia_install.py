"""``pysr-lite install-julia``: get a Julia >= 1.5 that pysr_lite will find.

On Debian and its derivatives it runs ``install_julia.sh``, shipped inside the package, with
bash: the script keeps a usable Julia it finds (PYSR_LITE_JULIA, then PATH) and otherwise
installs Debian's julia package with apt-get (see the script for why it takes it from
bullseye). Everywhere else a package cannot install Julia for the user, so the command keeps a
Julia it finds and otherwise prints the exact commands for the platform
(``pysr_lite.julia_platforms``). Either way it ends by saying where Julia is and how
pysr_lite finds it. Running it again changes nothing.
"""

from __future__ import annotations

import importlib.resources
import os
import subprocess
from typing import Callable

from .engine import JULIA_ENVIRONMENT_VARIABLE, Julia, JuliaNotFoundError, find_julia
from .julia_platforms import Platform, current_platform, installs_with_debian_script, manual_install_steps

INSTALL_SCRIPT = "install_julia.sh"
# Exit codes of `pysr-lite install-julia`: 0 a usable Julia is there, 1 there still is none.
JULIA_READY, JULIA_MISSING = 0, 1


def run_install_script() -> int:
    """Run the shipped ``install_julia.sh`` with bash (its output goes to the terminal); its exit code."""
    script = importlib.resources.files("pysr_lite") / INSTALL_SCRIPT
    with importlib.resources.as_file(script) as path:
        # bash explicitly: a wheel does not keep the script's executable bit.
        return subprocess.run(["bash", os.fspath(path)], stdin=subprocess.DEVNULL).returncode


def how_pysr_lite_finds(julia: Julia) -> str:
    """Where the Julia is and which rule of ``find_julia`` picks it, as two lines to print."""
    version = ".".join(map(str, julia.version))
    where = f"Julia {version} is at {julia.executable}."
    configured = os.environ.get(JULIA_ENVIRONMENT_VARIABLE)
    if configured:
        return f"{where}\npysr_lite uses it because {JULIA_ENVIRONMENT_VARIABLE}={configured} is set."
    return (
        f"{where}\npysr_lite finds it as `julia` on PATH "
        f"(set {JULIA_ENVIRONMENT_VARIABLE} to the path of another julia to use that one instead)."
    )


def manual_advice(platform: Platform, problem: str) -> str:
    """What to tell the user when this command cannot get Julia itself."""
    steps = manual_install_steps(platform)
    return (
        f"No usable Julia: {problem}.\n"
        f"pysr-lite install-julia cannot install Julia on {platform.name} itself; run:\n"
        f"{steps.text()}\n"
        "Then run `pysr-lite install-julia` again to check."
    )


def install_julia(
    platform: Platform | None = None,
    *,
    echo: Callable[[str], None] = print,
    run_script: Callable[[], int] = run_install_script,
    locate: Callable[[], Julia] = find_julia,
) -> int:
    """Make sure pysr_lite has a Julia (see the module docstring); the command's exit code.

    ``run_script`` and ``locate`` are parameters so that tests can follow every branch on made-up
    platforms without installing anything.
    """
    platform = platform or current_platform()
    if installs_with_debian_script(platform):
        status = run_script()
        if status != 0:
            echo(manual_advice(platform, f"{INSTALL_SCRIPT} failed (exit code {status}; its messages are above)"))
            return JULIA_MISSING
    try:
        julia = locate()
    except JuliaNotFoundError as error:
        echo(manual_advice(platform, error.problem))
        return JULIA_MISSING
    echo(how_pysr_lite_finds(julia))
    return JULIA_READY
