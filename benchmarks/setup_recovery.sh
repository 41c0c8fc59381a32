#!/usr/bin/env bash
# Sets up what benchmarks/recovery.py needs, and nothing else: Julia (through the repository's
# scripts/install_julia.sh), a private virtualenv benchmarks/.venv-recovery holding this
# checkout's pysr_lite (editable) and the competing tools (pyoperon, gplearn) with their
# dependencies. Idempotent: a second run only checks and reports.
#
#   bash benchmarks/setup_recovery.sh
#   benchmarks/.venv-recovery/bin/python benchmarks/recovery.py --seconds 30 --threads 2
#
# PYTHON selects the interpreter the venv is made from (default: python3). pyoperon 0.6.2 ships
# binary wheels for CPython 3.11 (cp311), so that is the version to use.
set -euo pipefail

benchmarks_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$benchmarks_dir")
venv_dir="$benchmarks_dir/.venv-recovery"
python=${PYTHON:-python3}
# Pinned where a version matters for the results (pyoperon's API and wheel: 0.6.2's scikit-learn
# wrapper takes every setting of SRBench's Operon entry that recovery.py uses, see SRBENCH_OPERON,
# and throughput.py reads its objective evaluators' counters); the rest is whatever pip
# resolves, and recovery.py records every version in docs/benchmarks.md.
requirements=(
    "pyoperon==0.6.2"
    "gplearn"
    "scikit-learn"
    "sympy"
    "pandas"
    "numpy"
)

say() { echo "setup_recovery: $*"; }

say "1/4 Julia"
bash "$repo_dir/scripts/install_julia.sh"

say "2/4 virtualenv $venv_dir"
if [ -x "$venv_dir/bin/python" ]; then
    say "    exists ($("$venv_dir/bin/python" --version))"
else
    "$python" -m venv "$venv_dir"
    "$venv_dir/bin/python" -m pip install --quiet --upgrade pip
    say "    created with $("$venv_dir/bin/python" --version)"
fi
pip=("$venv_dir/bin/python" -m pip)

say "3/4 pysr_lite (editable, from $repo_dir) and the other tools"
# pip is quick when everything is already satisfied, so running it again is the idempotent path.
"${pip[@]}" install --quiet --disable-pip-version-check -e "$repo_dir"
"${pip[@]}" install --quiet --disable-pip-version-check "${requirements[@]}"

say "4/4 check: imports, versions, and the engine precompiled"
"$venv_dir/bin/python" - <<'PY'
from importlib.metadata import version
import pysr_lite, pyoperon.sklearn, gplearn.genetic, sklearn, sympy, pandas, numpy  # noqa: F401
for name in ("pysr_lite", "pyoperon", "gplearn", "scikit-learn", "sympy", "pandas", "numpy"):
    print(f"setup_recovery:     {name:13s}{version(name)}")
PY
# The first `using PySRLite` compiles the engine; doing it here keeps that out of the first
# benchmark run's clock.
julia --project="$repo_dir" --startup-file=no -e 'using PySRLite' \
    && say "    engine compiled ($(julia --version))"
say "done. Run: $venv_dir/bin/python $benchmarks_dir/recovery.py --seconds 30 --threads 2 --seeds 3 --split reporting"
say "      and: $venv_dir/bin/python $benchmarks_dir/throughput.py"
