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
packages=(make mingw-w64 wine64 tshark libcmocka-dev cmake dpkg-dev socat
          clang lld llvm libclang-rt-14-dev pkg-config gcc procps)

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
    say "installing ${missing[*]}"
    # tshark asks whether non-root users may capture; answer no, quietly.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# cmocka for mingw: Debian ships only the native library, so build the same
# release from Debian's source package, without touching the system's apt lists.
deps="$top/build/deps"
src="$deps/src"
for arch in $arches; do
    prefix="$deps/$arch"
    [ -f "$prefix/lib/libcmocka.a" ] && continue
    if [ ! -f "$src/cmocka.stamp" ]; then
        say "fetching Debian's cmocka source package"
        rm -rf "$src"; mkdir -p "$src/apt/lists/partial" "$src/apt/archives/partial"
        cat > "$src/sources.list" <<LIST
deb-src http://deb.debian.org/debian bookworm main
LIST
        aptopts=(-o "Dir::Etc::SourceList=$src/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
                 -o "Dir::State::Lists=$src/apt/lists" -o "Dir::Cache::Archives=$src/apt/archives"
                 -o "Debug::NoLocking=1")
        apt-get "${aptopts[@]}" update -qq
        (cd "$src" && apt-get "${aptopts[@]}" source --download-only -qq cmocka >/dev/null &&
            dpkg-source -x --skip-patches cmocka_*.dsc cmocka >/dev/null)
        touch "$src/cmocka.stamp"
    fi
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
