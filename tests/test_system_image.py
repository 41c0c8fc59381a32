"""The engine's system image (pysr_lite.system_image): a new engine started from it searches at
once, finds exactly what an engine that compiles first finds, and is used only while it matches
the engine's sources.

scripts/dev.sh builds the image before the tests (``pysr-lite compile-engine``); on CI a missing
image fails the end-to-end test here rather than skipping it.
"""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from conftest import FAST_SEARCH, uniform_data
from pysr_lite import search
from pysr_lite.cli import cli
from pysr_lite.engine import engine_command, locate_engine
from pysr_lite.system_image import (SystemImageError, c_compiler, engine_fingerprint, engine_source_files,
                                    find_system_image, image_directory)


@pytest.fixture
def built_image(engine):
    if engine.system_image is None:
        if os.environ.get("CI"):
            pytest.fail(f"no system image in {image_directory()}: scripts/dev.sh's set-up should have built it")
        pytest.skip("no system image for these sources (build one with `pysr-lite compile-engine`)")
    return engine.system_image


def test_a_new_engine_started_from_the_image_finds_the_same_front_as_one_that_compiles(built_image, tmp_path,
                                                                                        monkeypatch):
    X = uniform_data(seed=7)
    y = 2.5 * X[:, 0] * X[:, 1] - 1
    options = dict(FAST_SEARCH, niterations=8, persistent_engine=False)

    from_image = search(X, y, **options, output_directory=tmp_path / "image")
    monkeypatch.setenv("PYSR_LITE_SYSTEM_IMAGE", "off")
    compiling = search(X, y, **options, output_directory=tmp_path / "compiling")

    assert from_image.equations[["complexity", "loss", "equation"]].equals(
        compiling.equations[["complexity", "loss", "equation"]])
    # The image really holds the compiled search: its engine sets up in a fraction of a second
    # (0.15 s here), the other spends seconds compiling (9 s here); a second apart from both.
    assert from_image.stats["setup_seconds"] < 1.0 < compiling.stats["setup_seconds"]


def test_the_engine_command_names_the_image_only_when_there_is_one():
    assert "--sysimage=/depot/engine.so" in engine_command("/tmp/run", 2, julia_executable="julia",
                                                             engine_directory="/opt/engine",
                                                             system_image="/depot/engine.so")
    assert not any(part.startswith("--sysimage") for part in
                   engine_command("/tmp/run", 2, julia_executable="julia", engine_directory="/opt/engine"))


def copy_of_engine_sources(engine, destination):
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(engine.directory / "Project.toml", destination / "Project.toml")
    for tree in ("src", "julia"):
        shutil.copytree(engine.directory / tree, destination / tree)
    return destination


def test_an_image_is_named_by_the_sources_it_was_built_from_but_not_by_their_tests(engine, tmp_path):
    sources = copy_of_engine_sources(engine, tmp_path)
    fingerprint = lambda: engine_fingerprint(engine.julia.executable, engine.julia.version, sources)
    original = fingerprint()
    assert original == engine_fingerprint(engine.julia.executable, engine.julia.version, engine.directory)

    (sources / "julia" / "test" / "runtests.jl").write_text("# an edited test\n", encoding="utf-8")
    assert fingerprint() == original
    assert all("test" not in path.relative_to(sources).parts for path in engine_source_files(sources))

    with open(sources / "julia" / "evolution" / "mutations.jl", "a", encoding="utf-8") as source:
        source.write("\n# an edit\n")
    assert fingerprint() != original
    assert engine_fingerprint(engine.julia.executable, (9, 9, 9), sources) != fingerprint()


def test_an_image_of_older_sources_is_never_used(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("JULIA_DEPOT_PATH", str(tmp_path / "depot"))
    sources = copy_of_engine_sources(engine, tmp_path / "engine")
    assert find_system_image(engine.julia.executable, engine.julia.version, sources) is None

    stale = image_directory() / "engine-000000000000000000000000.so"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an image of other sources")
    assert find_system_image(engine.julia.executable, engine.julia.version, sources) is None


def test_the_switch_turns_the_image_off(engine, monkeypatch):
    monkeypatch.setenv("PYSR_LITE_SYSTEM_IMAGE", "off")
    located = locate_engine()
    assert located.system_image is None
    assert not any(part.startswith("--sysimage") for part in located.command("/tmp/run", 2))


def test_compile_engine_says_when_the_image_is_up_to_date(built_image):
    outcome = CliRunner().invoke(cli, ["compile-engine"])
    assert outcome.exit_code == 0, outcome.output
    assert f"up to date: {built_image}" in outcome.output


def test_building_without_a_c_compiler_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("CC", raising=False)
    with pytest.raises(SystemImageError, match="needs a C compiler.*apt-get install gcc"):
        c_compiler()
