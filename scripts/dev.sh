#!/usr/bin/env bash
# The one entry point for working on pysr_lite from a checkout:
#
#   bash scripts/dev.sh demo [pysr-lite demo options]   set up, then run `pysr-lite demo`
#   bash scripts/dev.sh test [pytest options]           set up, then run the Python and Julia tests
#
# Set-up, done first every time and quick when already done:
#   1. a Julia >= 1.5 (scripts/install_julia.sh; PYSR_LITE_JULIA or `julia` on PATH)
#   2. a virtualenv in <repo>/.venv with `pip install -e ".[test]"`, redone only when
#      pyproject.toml or setup.py changed since the last install (a stamp in .venv remembers)
#   3. the engine precompiled: `julia --project=<repo> -e 'using PySRLite'`
#   4. (test only) the engine's system image: `pysr-lite compile-engine`, about 3 minutes each
#      time the engine's Julia sources changed; PYSR_LITE_SYSTEM_IMAGE=off skips it (and its use)
# Works from any current directory; commands run from the repository root.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$repo/.venv"
install_stamp="$venv/.pysr_lite_install_stamp"
python=${PYTHON:-python3}

usage() {
    echo "usage: bash scripts/dev.sh demo [pysr-lite demo options]" >&2
    echo "       bash scripts/dev.sh test [pytest options]" >&2
}

now() { local t=${EPOCHREALTIME:-$(date +%s)}; echo "${t/,/.}"; }

# report_time LABEL START: the one-line timing printed after every step.
report_time() {
    awk -v label="$1" -v start="$2" -v end="$(now)" \
        'BEGIN { printf "dev.sh: %-34s %6.1f s\n", label, end - start }'
}

ensure_julia() {
    bash "$repo/scripts/install_julia.sh"
    # Same order as install_julia.sh and the frontend: PYSR_LITE_JULIA, then PATH.
    if [ -n "${PYSR_LITE_JULIA:-}" ] && "$PYSR_LITE_JULIA" --version >/dev/null 2>&1; then
        julia=$PYSR_LITE_JULIA
    else
        julia=$(command -v julia)
    fi
}

install_fingerprint() {
    # Everything that changes what `pip install -e .` does: the metadata and build hook.
    cat "$repo/pyproject.toml" "$repo/setup.py" 2>/dev/null | sha256sum | cut -d ' ' -f 1
}

ensure_venv() {
    if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' >/dev/null 2>&1; then
            echo "dev.sh: need Python >= 3.9 as '$python' (set PYTHON=/path/to/python3)" >&2
            exit 1
        fi
        echo "dev.sh: creating the virtualenv $venv"
        rm -f "$install_stamp"
        "$python" -m venv "$venv"
    fi
    local fingerprint
    fingerprint=$(install_fingerprint)
    if [ "$(cat "$install_stamp" 2>/dev/null)" != "$fingerprint" ]; then
        echo "dev.sh: pip install -e \".[test]\" into $venv"
        # setuptools and wheel in the venv let tests build the package offline
        # (tests/test_install.py uses --no-build-isolation).
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "setuptools>=64" wheel -e "$repo[test]"
        echo "$fingerprint" >"$install_stamp"
    fi
}

precompile_engine() {
    if [ ! -f "$repo/src/PySRLite.jl" ]; then
        echo "dev.sh: src/PySRLite.jl does not exist yet; skipping the engine precompile"
        return
    fi
    "$julia" --project="$repo" --startup-file=no -e 'using PySRLite'
}

compile_engine() {
    case "${PYSR_LITE_SYSTEM_IMAGE:-}" in
        off | 0 | false | no) echo "dev.sh: PYSR_LITE_SYSTEM_IMAGE=$PYSR_LITE_SYSTEM_IMAGE: no system image"; return ;;
    esac
    # Optional: without an image every new engine compiles the search first, nothing else changes.
    "$venv/bin/pysr-lite" compile-engine ||
        echo "dev.sh: WARNING: no system image; each new engine compiles the search at its start" >&2
}

set_up() {
    # Two dev.sh runs at once must not build the same venv or precompile cache together.
    local lock_file="${TMPDIR:-/tmp}/pysr_lite_dev_$(echo "$repo" | cksum | cut -d ' ' -f 1).lock"
    exec 9>"$lock_file"
    if command -v flock >/dev/null 2>&1; then flock 9; fi

    local start
    start=$(now); ensure_julia;      report_time "julia ready" "$start"
    start=$(now); ensure_venv;       report_time "virtualenv .venv ready" "$start"
    start=$(now); precompile_engine; report_time "engine precompiled" "$start"
    if [ "${1:-}" = with-image ]; then
        start=$(now); compile_engine; report_time "engine system image ready" "$start"
    fi

    exec 9>&-
    export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
    cd "$repo"
}

run_demo() {
    set_up
    exec "$venv/bin/pysr-lite" demo "$@"
}

run_tests() {
    set_up with-image
    local start python_status=0 julia_status=0
    start=$(now)
    "$venv/bin/python" -m pytest tests -q "$@" || python_status=$?
    report_time "python tests (exit $python_status)" "$start"
    if [ -f julia/test/runtests.jl ]; then
        start=$(now)
        "$julia" --project="$repo" --startup-file=no julia/test/runtests.jl || julia_status=$?
        report_time "julia engine tests (exit $julia_status)" "$start"
    else
        echo "dev.sh: julia/test/runtests.jl does not exist yet; no engine unit tests to run"
    fi
    if [ "$python_status" -ne 0 ] || [ "$julia_status" -ne 0 ]; then
        echo "dev.sh: FAILED (python tests exit $python_status, julia tests exit $julia_status)" >&2
        [ "$python_status" -ne 0 ] && exit "$python_status"
        exit "$julia_status"
    fi
    echo "dev.sh: all tests passed"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    demo) run_demo "$@" ;;
    test) run_tests "$@" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
esac
