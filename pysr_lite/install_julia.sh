#!/usr/bin/env bash
# Makes sure a usable Julia (>= 1.5) exists, installing Debian's julia 1.5.3 from the
# bullseye suite when none is found. Idempotent: a second run does nothing.
#
# Ships inside the pysr_lite package: `pysr-lite install-julia` runs it on Debian and its
# derivatives (pysr_lite/julia_install.py); in a checkout, scripts/install_julia.sh runs it.
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

# Julia throws exceptions by unwinding its own JIT-compiled frames with libunwind. Debian's
# julia 1.5.3 was built against bullseye's libunwind 1.3; with bookworm's 1.6 every exception
# raised in compiled code kills the process (SIGSEGV). We probe for that and, when it happens,
# give Julia a private copy of bullseye's libunwind through a wrapper instead of downgrading
# the system library that perf, strace and gstreamer also use.
private_lib_dir=/usr/local/lib/pysr-lite-julia
wrapper=/usr/local/bin/julia

exceptions_work() {
    # In a subshell, so the shell's own "Segmentation fault" notice goes to /dev/null too
    # (`exit $?` keeps bash from exec-ing julia in place of the subshell).
    ( "$1" --startup-file=no -e 'f() = throw(ErrorException("probe")); try f() catch end'; exit $? ) >/dev/null 2>&1
}

install_libunwind_fix() {
    local real_julia=$1 download_dir
    echo "install_julia: $real_julia crashes on exceptions with this libunwind; installing bullseye's libunwind privately"
    download_dir=$(mktemp -d)
    (cd "$download_dir" && apt-get download -qq libunwind8/bullseye 2>/dev/null) \
        || { echo "install_julia: could not download libunwind8 from bullseye" >&2; exit 1; }
    dpkg-deb -x "$download_dir"/libunwind8_*.deb "$download_dir/extracted"
    $sudo_prefix mkdir -p "$private_lib_dir"
    $sudo_prefix cp -a "$download_dir"/extracted/usr/lib/*/libunwind*.so* "$private_lib_dir/"
    rm -rf "$download_dir"
    $sudo_prefix tee "$wrapper" >/dev/null <<WRAPPER
#!/bin/sh
# Written by pysr_lite's install_julia.sh (pysr-lite install-julia): Debian's julia 1.5.3 needs the libunwind it
# was built with (bullseye's); bookworm's makes every exception crash Julia.
LD_LIBRARY_PATH="$private_lib_dir\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec $real_julia "\$@"
WRAPPER
    $sudo_prefix chmod 755 "$wrapper"
    hash -r
    exceptions_work "$wrapper" || { echo "install_julia: $wrapper still crashes on exceptions" >&2; exit 1; }
}

ensure_exceptions_work() {
    local julia_path
    julia_path=$(command -v julia)
    exceptions_work "$julia_path" && return 0
    [ "$julia_path" = "$wrapper" ] && julia_path=$(sed -n 's/^exec \([^ ]*\) .*/\1/p' "$wrapper")
    install_libunwind_fix "$julia_path"
}

sudo_prefix=""
if [ "$(id -u)" -ne 0 ]; then sudo_prefix="sudo"; fi

if [ -n "${PYSR_LITE_JULIA:-}" ] && julia_is_usable "$PYSR_LITE_JULIA"; then
    echo "install_julia: using PYSR_LITE_JULIA=$PYSR_LITE_JULIA"; exit 0
fi
if julia_is_usable julia; then
    ensure_exceptions_work
    echo "install_julia: using $(command -v julia) ($(julia --version))"; exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_julia: no julia >= 1.$minimum_minor found and no apt-get to install one." >&2
    echo "Install Julia (https://julialang.org/downloads, or juliaup) and put it on PATH," >&2
    echo "or point PYSR_LITE_JULIA at the julia executable;" >&2
    echo "\`pysr-lite install-julia\` prints the exact commands for this system." >&2
    exit 1
fi

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
# Added by pysr_lite's install_julia.sh (pysr-lite install-julia): Debian's julia package lives in bullseye.
Types: deb
URIs: $uris
Suites: bullseye
Components: main
Signed-By: $keyring
SOURCES

$sudo_prefix tee "$pin_file" >/dev/null <<'PIN'
# Added by pysr_lite's install_julia.sh (pysr-lite install-julia). Priority 1: a bullseye package is only
# installed when bookworm has no version of it at all (julia and its own libraries).
Package: *
Pin: release n=bullseye
Pin-Priority: 1
PIN

echo "install_julia: installing julia from Debian bullseye ($uris)"
$sudo_prefix apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_prefix apt-get install -y -qq julia >/dev/null
hash -r
ensure_exceptions_work
echo "install_julia: installed $(julia --version) at $(command -v julia)"
