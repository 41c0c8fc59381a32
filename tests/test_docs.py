"""The documentation site: it builds with `mkdocs build --strict`, every page is reachable, and
the user pages speak to users (no development history, no scratch paths)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pysr_lite.operators import BUILTIN_OPERATORS

REPOSITORY = Path(__file__).resolve().parent.parent
DOCS = REPOSITORY / "docs"
DEVELOPER_SECTION = "Reference / for developers"

# What a user page must not contain: notes on how the project was built, and paths that exist
# only on a developer's machine.
DEVELOPMENT_NOTES = re.compile(r"\bsession \d|\bissue[ -]?\d|\bpart \d\)|/tmp/|/work/|scratch|\bTODO\b|when it lands",
                               re.IGNORECASE)


def navigation() -> list:
    return yaml.safe_load((REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]


def pages(entries: list) -> list[str]:
    """Every page path under ``entries`` (a mkdocs nav list)."""
    found = []
    for entry in entries:
        target = entry if isinstance(entry, str) else next(iter(entry.values()))
        found.extend(pages(target) if isinstance(target, list) else [target])
    return found


def user_pages() -> list[str]:
    return pages([entry for entry in navigation() if next(iter(entry)) != DEVELOPER_SECTION])


def test_the_site_builds_with_mkdocs_strict(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "site" / "examples" / "kepler" / "index.html").exists()


def test_every_page_is_in_the_navigation():
    on_disk = {str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md")}
    assert on_disk - set(pages(navigation())) == set(), "add these pages to the nav of mkdocs.yml"


@pytest.mark.parametrize("page", user_pages())
def test_user_pages_speak_to_users(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    notes = [match.group(0) for match in DEVELOPMENT_NOTES.finditer(text)]
    assert notes == [], f"{page} is a user page; move development notes to {DEVELOPER_SECTION!r}"


def test_every_builtin_operator_is_on_the_operators_page_with_its_domain():
    page = (DOCS / "operators.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1] for line in page.splitlines() if line.startswith("| `")}
    for name in [*BUILTIN_OPERATORS.of_arity(1), *BUILTIN_OPERATORS.of_arity(2)]:
        assert any(f"`{name}`" in row for row in rows), f"{name} has no row on docs/operators.md"


def test_every_example_has_a_docs_page_and_a_test():
    gallery = "".join(path.read_text(encoding="utf-8") for path in (DOCS / "examples").glob("*.md"))
    tests = (REPOSITORY / "tests" / "test_examples.py").read_text(encoding="utf-8")
    for script in sorted((REPOSITORY / "examples").glob("*.py")):
        assert f"examples/{script.name}" in gallery, f"{script.name} has no page in docs/examples/"
        assert f'load_example("{script.stem}")' in tests, f"{script.name} is not run by tests/test_examples.py"
