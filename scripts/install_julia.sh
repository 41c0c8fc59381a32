#!/usr/bin/env bash
# Makes sure a usable Julia (>= 1.5) exists, installing Debian's julia 1.5.3 from the
# bullseye suite when none is found. Idempotent: a second run does nothing.
#
# Why bullseye: bookworm ships no julia package. We reuse the archive URIs already
# configured on this machine (never a hard-coded host) and pin bullseye to priority 1 so
# that only packages absent from bookworm (julia and its own libraries) come from it.
set -euo pipefail

minimum_minor=5

julia_is_usable() {
    local candidate=$1 version
    command -v "$candidate" >/dev/null 2>&1 || return 1
    version=$("$candidate" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+' | head -n 1) || return 1
    local major=${version%%.*} minor=${version#*.}
    [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge "$minimum_minor" ]; }
}

if [ -n "${PYSR_LITE_JULIA:-}" ]; then
    if julia_is_usable "$PYSR_LITE_JULIA"; then
        echo "install_julia: using PYSR_LITE_JULIA=$PYSR_LITE_JULIA"; exit 0
    fi
    echo "install_julia: PYSR_LITE_JULIA=$PYSR_LITE_JULIA is not a julia >= 1.$minimum_minor; looking on PATH" >&2
fi
if julia_is_usable julia; then
    echo "install_julia: using $(command -v julia) ($(julia --version))"; exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_julia: no julia >= 1.$minimum_minor found and no apt-get to install one." >&2
    echo "Install Julia (https://julialang.org/downloads, or juliaup) and put it on PATH," >&2
    echo "or point PYSR_LITE_JULIA at the julia executable." >&2
    exit 1
fi

sudo_prefix=""
if [ "$(id -u)" -ne 0 ]; then sudo_prefix="sudo"; fi

# Collect the URIs of the Debian archive already configured (deb822 .sources files and the
# one-line sources.list format), skipping the security archive, which has no bullseye julia.
archive_uris() {
    {
        grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | sed 's/^URIs:[[:space:]]*//' | tr ' ' '\n' || true
        grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}'
    } 2>/dev/null | grep -E '/debian/?$' | grep -v security | sort -u || true
}

uris=$(archive_uris | tr '\n' ' ')
if [ -z "$uris" ]; then
    echo "install_julia: found no Debian archive in /etc/apt sources to take bullseye from." >&2
    exit 1
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
sources_file=/etc/apt/sources.list.d/pysr-lite-bullseye.sources
pin_file=/etc/apt/preferences.d/pysr-lite-bullseye

$sudo_prefix tee "$sources_file" >/dev/null <<SOURCES
# Added by pysr_lite's scripts/install_julia.sh: Debian's julia package lives in bullseye.
Types: deb
URIs: $uris
Suites: bullseye
Components: main
Signed-By: $keyring
SOURCES

$sudo_prefix tee "$pin_file" >/dev/null <<'PIN'
# Added by pysr_lite's scripts/install_julia.sh. Priority 1: a bullseye package is only
# installed when bookworm has no version of it at all (julia and its own libraries).
Package: *
Pin: release n=bullseye
Pin-Priority: 1
PIN

echo "install_julia: installing julia from Debian bullseye ($uris)"
$sudo_prefix apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_prefix apt-get install -y -qq julia >/dev/null
echo "install_julia: installed $(julia --version)"
