#!/usr/bin/env bash
# wine-tests/sdk_cmake.sh BUILD_DIR - the CMake package, used as installed.
#
# `make install PREFIX=BUILD_DIR/cmake-install`, then the installed tree is
# moved to BUILD_DIR/cmake-moved (the package must find itself from where
# it is, not where it was installed).  From the moved tree only: the
# cmake-echo sample is configured with the SDK's mingw-w64 toolchain file and
# CMAKE_PREFIX_PATH, built (find_package(ce-winsock) and ce-winsock::ws2),
# its programs must import ws2.dll and not ws2_32.dll, and the echo server
# and client run under Wine through the stack (bin/cews2-run, a prefix of
# their own: BUILD_DIR/cmake-wineprefix), the client's trace showing its
# calls served by the CE layered provider.
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
stage=$SDK_BUILD/cmake-install
tree=$SDK_BUILD/cmake-moved
work=$SDK_TMP/cmake
build=$work/build
cmprefix=$SDK_BUILD/cmake-wineprefix
objdump=$SDK_ARCH-w64-mingw32-objdump
# this script may run under `make check`: the make calls below are separate runs
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -C "$SDK_TOP" --no-print-directory ARCH="$SDK_ARCH" "$@"; }

install_and_move() {
    rm -rf "$stage" "$tree" "$work"
    mkdir -p "$work"
    mk install PREFIX="$stage" >"$work/install.log" 2>&1 || { cat "$work/install.log"; return 1; }
    mv "$stage" "$tree"
}

layout() {
    local f missing=0
    for f in lib/cmake/ce-winsock/ce-winsockConfig.cmake lib/cmake/ce-winsock/ce-winsockConfigVersion.cmake \
             "share/ce-winsock/cmake/mingw-w64-$SDK_ARCH.cmake" share/ce-winsock/samples/cmake-echo/CMakeLists.txt \
             share/ce-winsock/samples/cmake-echo/README.md bin/ws2.dll lib/libws2.a include/cews2.h; do
        [ -f "$tree/$f" ] || { echo "missing: $f"; missing=1; }
    done
    [ -x "$tree/bin/cews2-run" ] || { echo "missing or not executable: bin/cews2-run"; missing=1; }
    return $missing
}

configure() {
    cmake -S "$tree/share/ce-winsock/samples/cmake-echo" -B "$build" \
          -DCMAKE_TOOLCHAIN_FILE="$tree/share/ce-winsock/cmake/mingw-w64-$SDK_ARCH.cmake" \
          -DCMAKE_PREFIX_PATH="$tree" >"$work/configure.log" 2>&1
    local rc=$? dir
    sed 's/^/    /' "$work/configure.log"
    [ $rc -eq 0 ] || return 1
    dir=$(sed -n 's/^ce-winsock_DIR:PATH=//p' "$build/CMakeCache.txt")
    echo "ce-winsock_DIR=$dir"
    [ "$dir" = "$tree/lib/cmake/ce-winsock" ]
}

build_sample() {
    local p imports rsp bad=0
    cmake --build "$build" -v >"$work/build.log" 2>&1 || { cat "$work/build.log"; return 1; }
    if grep -n 'warning:' "$work/build.log"; then echo "the sample builds with warnings"; bad=1; fi
    for p in echo_server echo_client; do
        rsp=$(cat "$build/CMakeFiles/$p.dir/linkLibs.rsp" "$build/CMakeFiles/$p.dir/includes_C.rsp")
        echo "$p: $rsp"
        case $rsp in *"$tree/lib/libws2.a"*"$tree/include"*) ;; *) echo "$p: not linked with the moved tree's libws2.a and headers"; bad=1 ;; esac
        imports=$("$objdump" -p "$build/$p.exe" | sed -n 's/^[[:space:]]*DLL Name: //p')
        echo "$p.exe imports:" $imports
        grep -qx 'ws2.dll' <<<"$imports" || { echo "$p.exe does not import ws2.dll"; bad=1; }
        if grep -qix 'ws2_32.dll' <<<"$imports"; then echo "$p.exe imports the host ws2_32.dll"; bad=1; fi
    done
    # $<TARGET_RUNTIME_DLLS> (from IMPORTED_LOCATION) put the installed ws2.dll beside them
    cmp "$tree/bin/ws2.dll" "$build/ws2.dll" || { echo "no copy of the installed ws2.dll beside the programs"; bad=1; }
    # nothing in the build points back to where the tree was installed
    if grep -rlF "$stage/" "$build" 2>/dev/null; then echo "the build refers to $stage"; bad=1; fi
    return $bad
}

# configure_probe NAME FIND_PACKAGE_ARGS [CMAKE_ARGS...]: a one-line project
probe() {
    local name=$1 args=$2; shift 2
    mkdir -p "$work/$name"
    printf 'cmake_minimum_required(VERSION 3.21)\nproject(%s LANGUAGES C)\nfind_package(ce-winsock %s CONFIG REQUIRED)\n' \
        "$name" "$args" >"$work/$name/CMakeLists.txt"
    cmake -S "$work/$name" -B "$work/$name/build" -DCMAKE_PREFIX_PATH="$tree" "$@" >"$work/$name.log" 2>&1
}

versions() {
    local tc=-DCMAKE_TOOLCHAIN_FILE=$tree/share/ce-winsock/cmake/mingw-w64-$SDK_ARCH.cmake bad=0
    probe range "0.1...<1.0" "$tc" || { echo "0.1...<1.0 refused"; cat "$work/range.log"; bad=1; }
    if probe newer "9.0" "$tc"; then echo "9.0 accepted"; bad=1; fi
    grep -q 'version' "$work/newer.log" || { echo "9.0 refused without naming the version"; cat "$work/newer.log"; bad=1; }
    # no toolchain file: a Linux (x86_64) build, which the package turns away
    # with a pointer to the toolchain file, or an i686 tree for its pointer size
    if probe native ""; then echo "a Linux build found the Windows package"; bad=1; fi
    local why='mingw-w64-'; [ "$SDK_ARCH" = i686 ] && why='i686: 4-byte pointers'
    grep -q "$why" "$work/native.log" || { echo "the refusal does not say \"$why\""; cat "$work/native.log"; bad=1; }
    echo "0.1...<1.0: found; 9.0: refused; Linux build: refused (\"$why\")"
    return $bad
}

run_echo() {
    local run=$tree/bin/cews2-run out=$work/server.out port="" rc src
    unset DISPLAY WAYLAND_DISPLAY
    stop_prefix; rm -rf "$cmprefix" "$work/trace.log"
    # the server's cews2-run creates the prefix (wineboot, ws2inst reset) first
    timeout -k 5 180 "$run" --prefix "$cmprefix" "$build/echo_server.exe" 0 >"$out" 2>&1 &
    local server=$!
    for _ in $(seq 1 1500); do
        port=$(sed -n 's/^echo_server: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out" | tr -d '\r')
        [ -n "$port" ] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$out"; kill "$server" 2>/dev/null; return 1; }
    timeout -k 5 60 "$run" --prefix "$cmprefix" --trace "$work/trace.log" "$build/echo_client.exe" "$port" "built with CMake" \
        2>&1 | tr -d '\r' | tee "$work/client.out"
    rc=${PIPESTATUS[0]}
    wait "$server"; src=$?
    tr -d '\r' <"$out"
    echo "client exit $rc, server exit $src"
    [ "$rc" -eq 0 ] && [ "$src" -eq 0 ] && grep -q 'got back "built with CMake"' "$work/client.out" || return 1
    # the calls went through ws2.dll to the CE layered provider
    grep -E ' API (connect|send|recv)\(' "$work/trace.log" | tr -d '\r' | sed 's/^/    /'
    local call
    for call in connect send recv; do
        grep -E " API $call\(.* = [0-9]+ err=0 .*celsp\.dll" "$work/trace.log" >/dev/null ||
            { echo "no successful $call through celsp.dll in the trace"; return 1; }
    done
}

stop_prefix() { [ -d "$cmprefix" ] && WINEPREFIX=$cmprefix wineserver -k 2>/dev/null; true; }
trap stop_prefix EXIT

t_run make_install_then_move install_and_move
t_run installed_cmake_layout layout
t_run configure_from_moved_tree configure
t_run build_links_ws2_not_ws2_32 build_sample
t_run config_version_and_platform versions
if [ "$SDK_ARCH" = x86_64 ]; then
    t_run run_echo_through_the_stack run_echo
fi
t_done
