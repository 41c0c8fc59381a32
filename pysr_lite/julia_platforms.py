"""Which system this is, and the exact commands that install Julia on it.

Pure knowledge, no side effects beyond reading ``/etc/os-release``: ``current_platform()``
describes the machine, ``installs_with_debian_script(platform)`` says whether
``pysr-lite install-julia`` can install Julia itself (Debian and its derivatives, through
the shipped ``install_julia.sh``), and ``manual_install_steps(platform)`` gives the commands
a user runs everywhere else. Tests pass made-up ``Platform`` values; nothing here installs.

>>> steps = manual_install_steps(Platform(system="Darwin", machine="arm64"))
>>> steps.commands[0]
'curl -fsSL https://install.julialang.org | sh -s -- --yes'
"""

from __future__ import annotations

import platform as platform_module
import shutil
from dataclasses import dataclass
from pathlib import Path

# The official tarball offered as the alternative to juliaup: a current 1.11 release.
TARBALL_JULIA_VERSION = "1.11.5"
TARBALL_DIRECTORY = "$HOME/.local/opt"
JULIAUP_COMMAND = "curl -fsSL https://install.julialang.org | sh -s -- --yes"
JULIAUP_BIN = "$HOME/.juliaup/bin"
# The Microsoft Store's Julia (juliaup), as julialang.org gives it for Windows.
WINGET_COMMAND = "winget install --name Julia --id 9NJNWW8PVKMN -e -s msstore"
DOWNLOADS_PAGE = "https://julialang.org/downloads"
OS_RELEASE = Path("/etc/os-release")


@dataclass(frozen=True)
class Platform:
    """What decides how to get Julia, e.g. ``Platform("Linux", "x86_64", ("ubuntu", "debian"), True)``."""

    system: str  # platform.system(): "Linux", "Darwin" (macOS), "Windows", ...
    machine: str  # platform.machine(): "x86_64", "aarch64", "arm64", "AMD64", ...
    distribution: tuple[str, ...] = ()  # Linux only: os-release ID then ID_LIKE, e.g. ("ubuntu", "debian")
    has_apt_get: bool = False

    @property
    def name(self) -> str:
        """How messages call it: "macOS arm64", "Linux x86_64 (ubuntu)", ..."""
        system = {"Darwin": "macOS"}.get(self.system, self.system)
        distribution = f" ({self.distribution[0]})" if self.distribution else ""
        return f"{system} {self.machine}{distribution}"


@dataclass(frozen=True)
class InstallSteps:
    """Commands to type, in order, and what to do once they ran."""

    commands: tuple[str, ...]
    afterwards: str
    alternative: tuple[str, ...] = ()  # another way, e.g. the official tarball instead of juliaup

    def text(self, indent: str = "    ") -> str:
        """The steps as a block of text to print."""
        lines = [indent + command for command in self.commands]
        lines.append(self.afterwards)
        if self.alternative:
            lines.append("Or, without juliaup, the official tarball:")
            lines += [indent + command for command in self.alternative]
        return "\n".join(lines)


def read_distribution(os_release_text: str) -> tuple[str, ...]:
    """ID then the ID_LIKE entries of an os-release file.

    >>> read_distribution('NAME="Ubuntu"\\nID=ubuntu\\nID_LIKE=debian\\n')
    ('ubuntu', 'debian')
    """
    fields = {}
    for line in os_release_text.splitlines():
        key, equals, value = line.partition("=")
        if equals:
            fields[key.strip()] = value.strip().strip("\"'")
    return tuple((fields.get("ID", "") + " " + fields.get("ID_LIKE", "")).lower().split())


def current_platform() -> Platform:
    """This machine, as a ``Platform``."""
    system = platform_module.system()
    distribution: tuple[str, ...] = ()
    if system == "Linux":
        try:
            distribution = read_distribution(OS_RELEASE.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            pass  # no os-release: an unknown Linux, given the generic commands
    return Platform(system, platform_module.machine(), distribution, shutil.which("apt-get") is not None)


def installs_with_debian_script(platform: Platform) -> bool:
    """Whether ``pysr-lite install-julia`` runs the shipped ``install_julia.sh`` here (Debian family)."""
    return platform.system == "Linux" and "debian" in platform.distribution and platform.has_apt_get


def _tarball(platform: Platform) -> tuple[str, str] | None:
    """(URL, folder it unpacks to) of the official Julia tarball for this platform, if there is one."""
    version = TARBALL_JULIA_VERSION
    minor = ".".join(version.split(".")[:2])
    machine = platform.machine.lower()
    if platform.system == "Linux" and machine in ("x86_64", "amd64"):
        path = f"linux/x64/{minor}/julia-{version}-linux-x86_64.tar.gz"
    elif platform.system == "Linux" and machine in ("aarch64", "arm64"):
        path = f"linux/aarch64/{minor}/julia-{version}-linux-aarch64.tar.gz"
    elif platform.system == "Darwin" and machine in ("arm64", "aarch64"):
        path = f"mac/aarch64/{minor}/julia-{version}-macaarch64.tar.gz"
    elif platform.system == "Darwin" and machine in ("x86_64", "amd64"):
        path = f"mac/x64/{minor}/julia-{version}-mac64.tar.gz"
    else:
        return None
    return f"https://julialang-s3.julialang.org/bin/{path}", f"julia-{version}"


def manual_install_steps(platform: Platform) -> InstallSteps:
    """The exact commands that install Julia on ``platform`` (juliaup, or the official tarball)."""
    if platform.system == "Windows":
        return InstallSteps(
            commands=(WINGET_COMMAND,),
            afterwards="Then open a new terminal: `julia` is on PATH there, and pysr_lite finds it.",
        )
    if platform.system not in ("Linux", "Darwin"):
        return InstallSteps(
            commands=(),
            afterwards=f"Install Julia >= 1.5 from {DOWNLOADS_PAGE}, then put `julia` on PATH or set "
            "PYSR_LITE_JULIA to the julia executable.",
        )
    afterwards = (
        f"Then open a new terminal (juliaup adds {JULIAUP_BIN} to PATH in your shell's profile), "
        f'or run `export PATH="{JULIAUP_BIN}:$PATH"`: pysr_lite finds `julia` on PATH.'
    )
    tarball = _tarball(platform)
    if tarball is None:
        return InstallSteps(commands=(JULIAUP_COMMAND,), afterwards=afterwards)
    url, folder = tarball
    alternative = (
        f'mkdir -p "{TARBALL_DIRECTORY}"',
        f'curl -fsSL {url} | tar -xz -C "{TARBALL_DIRECTORY}"',
        f'export PYSR_LITE_JULIA="{TARBALL_DIRECTORY}/{folder}/bin/julia"   # add this line to your shell profile',
    )
    return InstallSteps(commands=(JULIAUP_COMMAND,), afterwards=afterwards, alternative=alternative)
