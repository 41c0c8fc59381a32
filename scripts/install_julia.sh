#!/usr/bin/env bash
# Makes sure a usable Julia (>= 1.5) exists, installing one on Debian when none is found.
# The script itself ships inside the package (what `pysr-lite install-julia` runs on Debian);
# this is its name in a checkout, used by scripts/dev.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../pysr_lite/install_julia.sh" "$@"
