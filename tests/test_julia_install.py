"""`pysr-lite install-julia`: which platform gets which way to Julia, and what the user reads.

Every test here describes a made-up platform and replaces the two side effects of
``install_julia`` (running the shipped script, looking for Julia) by recording stand-ins:
nothing is installed. The real script runs from an installed wheel in tests/test_install.py.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from pysr_lite import julia_install
from pysr_lite.cli import cli
from pysr_lite.engine import Julia, JuliaNotFoundError
from pysr_lite.julia_install import install_julia
from pysr_lite.julia_platforms import (
    Platform,
    installs_with_debian_script,
    manual_install_steps,
    read_distribution,
)

DEBIAN = Platform("Linux", "x86_64", ("debian",), has_apt_get=True)
UBUNTU = Platform("Linux", "x86_64", ("ubuntu", "debian"), has_apt_get=True)
FEDORA = Platform("Linux", "x86_64", ("fedora",), has_apt_get=False)
LINUX_ARM = Platform("Linux", "aarch64", ("arch",))
MAC_ARM = Platform("Darwin", "arm64")
MAC_INTEL = Platform("Darwin", "x86_64")
WINDOWS = Platform("Windows", "AMD64")
JULIA = Julia("/usr/local/bin/julia", (1, 10, 4))


# ----------------------------------------------------------------------------------------------
# Which platforms the shipped script serves
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "os_release, expected",
    [
        ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', ("debian",)),
        ("ID=ubuntu\nID_LIKE=debian\n", ("ubuntu", "debian")),
        ('ID="linuxmint"\nID_LIKE="ubuntu debian"\n', ("linuxmint", "ubuntu", "debian")),
        ('ID=fedora\n', ("fedora",)),
        ("", ()),
    ],
)
def test_os_release_gives_the_distribution_and_what_it_derives_from(os_release, expected):
    assert read_distribution(os_release) == expected


@pytest.mark.parametrize(
    "platform, runs_the_script",
    [
        (DEBIAN, True),
        (UBUNTU, True),
        (Platform("Linux", "x86_64", ("debian",), has_apt_get=False), False),  # a container without apt
        (FEDORA, False),
        (LINUX_ARM, False),
        (MAC_ARM, False),
        (WINDOWS, False),
    ],
)
def test_only_the_debian_family_with_apt_get_runs_the_install_script(platform, runs_the_script):
    assert installs_with_debian_script(platform) is runs_the_script


# ----------------------------------------------------------------------------------------------
# The commands printed everywhere else
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "platform, tarball",
    [
        (MAC_ARM, "https://julialang-s3.julialang.org/bin/mac/aarch64/1.11/julia-1.11.5-macaarch64.tar.gz"),
        (MAC_INTEL, "https://julialang-s3.julialang.org/bin/mac/x64/1.11/julia-1.11.5-mac64.tar.gz"),
        (FEDORA, "https://julialang-s3.julialang.org/bin/linux/x64/1.11/julia-1.11.5-linux-x86_64.tar.gz"),
        (LINUX_ARM, "https://julialang-s3.julialang.org/bin/linux/aarch64/1.11/julia-1.11.5-linux-aarch64.tar.gz"),
    ],
)
def test_macos_and_linux_get_juliaup_and_the_official_tarball(platform, tarball):
    steps = manual_install_steps(platform)
    assert steps.commands == ("curl -fsSL https://install.julialang.org | sh -s -- --yes",)
    assert 'export PATH="$HOME/.juliaup/bin:$PATH"' in steps.afterwards
    assert steps.alternative == (
        'mkdir -p "$HOME/.local/opt"',
        f'curl -fsSL {tarball} | tar -xz -C "$HOME/.local/opt"',
        'export PYSR_LITE_JULIA="$HOME/.local/opt/julia-1.11.5/bin/julia"   # add this line to your shell profile',
    )


def test_a_linux_without_an_official_tarball_gets_juliaup_only():
    steps = manual_install_steps(Platform("Linux", "ppc64le", ("centos",)))
    assert steps.commands == ("curl -fsSL https://install.julialang.org | sh -s -- --yes",)
    assert steps.alternative == ()


def test_windows_gets_the_microsoft_store_julia_through_winget():
    steps = manual_install_steps(WINDOWS)
    assert steps.commands == ("winget install --name Julia --id 9NJNWW8PVKMN -e -s msstore",)
    assert "open a new terminal" in steps.afterwards


def test_an_unknown_system_is_sent_to_the_downloads_page():
    steps = manual_install_steps(Platform("FreeBSD", "amd64"))
    assert steps.commands == ()
    assert "https://julialang.org/downloads" in steps.afterwards and "PYSR_LITE_JULIA" in steps.afterwards


# ----------------------------------------------------------------------------------------------
# install_julia: what runs and what is said
# ----------------------------------------------------------------------------------------------


class Machine:
    """Stand-ins for the script and for find_julia: ``julia`` is what find_julia will find
    (None: nothing, until a successful script run installs ``installs``)."""

    def __init__(self, julia=None, script_status=0, installs=JULIA):
        self.julia, self.script_status, self.installs = julia, script_status, installs
        self.script_runs = 0
        self.printed = []

    def run_script(self):
        self.script_runs += 1
        if self.script_status == 0:
            self.julia = self.installs
        return self.script_status

    def locate(self):
        if self.julia is None:
            raise JuliaNotFoundError("no julia", problem="no `julia` was found on PATH")
        return self.julia

    def install(self, platform):
        status = install_julia(platform, echo=self.printed.append, run_script=self.run_script, locate=self.locate)
        return status, "\n".join(self.printed)


def test_on_debian_the_script_installs_julia_and_the_command_says_where_it_went(monkeypatch):
    monkeypatch.delenv("PYSR_LITE_JULIA", raising=False)
    machine = Machine(julia=None)
    status, output = machine.install(DEBIAN)
    assert status == 0 and machine.script_runs == 1
    assert output == (
        "Julia 1.10.4 is at /usr/local/bin/julia.\n"
        "pysr_lite finds it as `julia` on PATH "
        "(set PYSR_LITE_JULIA to the path of another julia to use that one instead)."
    )


def test_a_second_run_on_debian_changes_nothing_and_says_the_same(monkeypatch):
    monkeypatch.delenv("PYSR_LITE_JULIA", raising=False)
    machine = Machine(julia=None)
    first = machine.install(DEBIAN)
    machine.printed.clear()
    assert machine.install(DEBIAN) == first
    assert machine.julia == JULIA


def test_when_the_script_fails_the_commands_for_linux_are_printed(monkeypatch):
    machine = Machine(julia=None, script_status=1)
    status, output = machine.install(UBUNTU)
    assert status == 1 and machine.script_runs == 1
    assert output.startswith("No usable Julia: install_julia.sh failed (exit code 1; its messages are above).")
    assert "curl -fsSL https://install.julialang.org | sh -s -- --yes" in output
    assert "julia-1.11.5-linux-x86_64.tar.gz" in output


def test_on_macos_without_julia_the_commands_are_printed_and_nothing_runs():
    machine = Machine(julia=None)
    status, output = machine.install(MAC_ARM)
    assert status == 1 and machine.script_runs == 0
    assert output.splitlines()[:3] == [
        "No usable Julia: no `julia` was found on PATH.",
        "pysr-lite install-julia cannot install Julia on macOS arm64 itself; run:",
        "    curl -fsSL https://install.julialang.org | sh -s -- --yes",
    ]
    assert output.endswith("Then run `pysr-lite install-julia` again to check.")


@pytest.mark.parametrize("platform", [MAC_ARM, WINDOWS, FEDORA])
def test_a_julia_already_there_is_kept_everywhere(platform, monkeypatch):
    monkeypatch.delenv("PYSR_LITE_JULIA", raising=False)
    machine = Machine(julia=JULIA)
    status, output = machine.install(platform)
    assert status == 0 and machine.script_runs == 0
    assert output.startswith("Julia 1.10.4 is at /usr/local/bin/julia.")


def test_a_julia_named_by_pysr_lite_julia_is_reported_as_such(monkeypatch):
    monkeypatch.setenv("PYSR_LITE_JULIA", "/opt/julia-1.11.5/bin/julia")
    machine = Machine(julia=Julia("/opt/julia-1.11.5/bin/julia", (1, 11, 5)))
    status, output = machine.install(MAC_INTEL)
    assert status == 0
    assert output.splitlines()[1] == "pysr_lite uses it because PYSR_LITE_JULIA=/opt/julia-1.11.5/bin/julia is set."


# ----------------------------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------------------------


def test_the_command_prints_the_platform_commands_and_exits_1_without_julia(monkeypatch, tmp_path):
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "no-julia-here"))
    monkeypatch.setattr(julia_install, "current_platform", lambda: WINDOWS)
    result = CliRunner().invoke(cli, ["install-julia"])
    assert result.exit_code == 1
    assert "does not run as Julia" in result.output
    assert "winget install --name Julia --id 9NJNWW8PVKMN -e -s msstore" in result.output


def test_the_command_reports_the_julia_it_finds(monkeypatch, engine):
    monkeypatch.setenv("PYSR_LITE_JULIA", engine.julia.executable)
    monkeypatch.setattr(julia_install, "current_platform", lambda: MAC_ARM)
    result = CliRunner().invoke(cli, ["install-julia"])
    assert result.exit_code == 0, result.output
    assert f"is at {engine.julia.executable}." in result.output
    assert f"because PYSR_LITE_JULIA={engine.julia.executable} is set" in result.output


def test_the_macos_example_in_the_install_page_is_what_the_command_prints():
    page = (Path(__file__).resolve().parents[1] / "docs" / "install.md").read_text()
    printed = julia_install.manual_advice(MAC_ARM, "no `julia` was found on PATH")
    assert f"```text\n{printed}\n```" in page
