#!/usr/bin/env bash
# Make a Debian 12 machine able to build and test ce-winsock.
#
# Installs the Debian packages the build needs (as root; otherwise prints the
# exact command) and builds cmocka for mingw-w64 from Debian's own cmocka
# source package into build/deps/<arch>/ (no root needed for that part).
# Safe to run again: each step checks first and does nothing when satisfied.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arches=${ARCHES:-"x86_64 i686"}

# Every package the scripts and Makefiles need, with the commands each one
# provides that they call (checked with `command -v` after installing).
# wine64 has only /usr/lib/wine/wine64: the wine, wineboot and wineserver
# launchers are in the package `wine`.  installer/check-commands.sh (run by
# `make check`) fails when a script calls a command no package here provides.
provides=(
    "make:make"
    "mingw-w64:x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc x86_64-w64-mingw32-dlltool i686-w64-mingw32-dlltool x86_64-w64-mingw32-nm x86_64-w64-mingw32-objdump x86_64-w64-mingw32-windres x86_64-w64-mingw32-g++"
    "wine64:"
    "wine:wine wineboot wineserver winepath"
    "tshark:tshark dumpcap"
    "libcmocka-dev:"
    "cmake:cmake"
    "dpkg-dev:dpkg-source"
    "socat:socat"
    "clang:clang"
    "lld:lld-link"
    "llvm:llvm-dlltool"
    "libclang-rt-14-dev:"
    "pkg-config:pkg-config"
    "gcc:gcc"
    "procps:pgrep pkill ps"
)
packages=(); commands=()
for entry in "${provides[@]}"; do
    packages+=("${entry%%:*}")
    for c in ${entry#*:}; do commands+=("$c"); done
done

case ${1:-} in
--list-packages) printf '%s\n' "${packages[@]}"; exit 0 ;;
--list-commands) printf '%s\n' "${commands[@]}"; exit 0 ;;
"") ;;
*) echo "usage: $0 [--list-packages|--list-commands]" >&2; exit 2 ;;
esac

say() { printf 'host-setup: %s\n' "$*" >&2; }

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        say "missing packages: ${missing[*]}"
        say "run as root:  $cmd"
        exit 1
    fi
    say "installing ${missing[*]} (a few minutes on a fresh machine)"
    # tshark asks whether non-root users may capture; answer no, quietly.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    log="$top/build/host-setup-apt.log"; mkdir -p "$top/build"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        tail -20 "$log" >&2
        say "apt-get failed installing: ${missing[*]} (full log: $log)"
        exit 1
    fi
fi

# Every command the build and the tests call must now be there.
absent=()
for c in "${commands[@]}"; do
    command -v "$c" >/dev/null 2>&1 || absent+=("$c")
done
if [ ${#absent[@]} -gt 0 ]; then
    say "installed the packages, but these commands are still missing: ${absent[*]}"
    exit 1
fi

# cmocka for mingw: Debian ships only the native library, so build the same
# release from Debian's source package (installer/debsrc.sh: from this
# machine's own apt sources, without touching the system's apt lists).
. "$top/installer/debsrc.sh"
deps="$top/build/deps"
src="$deps/src"
for arch in $arches; do
    prefix="$deps/$arch"
    [ -f "$prefix/lib/libcmocka.a" ] && continue
    debsrc_fetch cmocka "$src" --skip-patches || { say "could not get cmocka's source"; exit 1; }
    say "building cmocka for $arch-w64-mingw32"
    bdir="$src/build-$arch"; rm -rf "$bdir"; mkdir -p "$bdir"
    cat > "$bdir/toolchain.cmake" <<TC
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_C_COMPILER $arch-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER $arch-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$arch-w64-mingw32)
TC
    (cd "$bdir" && cmake -DCMAKE_TOOLCHAIN_FILE="$bdir/toolchain.cmake" \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF -DWITH_STATIC_LIB=ON -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF \
        -DPICKY_DEVELOPER=OFF "$src/cmocka" >/dev/null && make -s -j"$(nproc)" >/dev/null && make -s install >/dev/null)
    # cmocka 1.1 names its static archive libcmocka-static.a
    [ -f "$prefix/lib/libcmocka.a" ] || cp "$prefix/lib/libcmocka-static.a" "$prefix/lib/libcmocka.a"
done
say "ok"
