#!/usr/bin/env bash
# wine-tests/sdk_install.sh BUILD_DIR - the SDK as installed, used as installed.
#
# `make install PREFIX=BUILD_DIR/stage`, checks the layout, builds the echo
# sample (and beam, a sample of several files) from the installed sources with nothing but
# `pkg-config --cflags --libs ce-winsock` (PKG_CONFIG_LIBDIR pointing into the
# stage), installs the staged bin/ into a prefix of its own
# (BUILD_DIR/sdk-wineprefix) with `make install-wine FROM=.../bin`, and runs
# the freshly built echo server and client there.
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
stage=$SDK_BUILD/stage
work=$SDK_TMP/install
sdkprefix=$SDK_BUILD/sdk-wineprefix
cc=$SDK_ARCH-w64-mingw32-gcc
# this script may run under `make check`: the make calls below are separate runs
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -C "$SDK_TOP" --no-print-directory ARCH="$SDK_ARCH" "$@"; }

install() {
    rm -rf "$stage" "$work"
    mkdir -p "$work"
    mk install PREFIX="$stage"
}

layout() {
    local f missing=0
    for f in bin/ws2.dll bin/hostprov.dll bin/celsp.dll bin/ws2inst.exe \
             lib/libws2.a lib/ws2.lib include/cews2.h include/cews2_ce.h \
             lib/pkgconfig/ce-winsock.pc share/ce-winsock/samples/README.md \
             share/ce-winsock/samples/echo/echo_server.c share/ce-winsock/samples/echo/echo_server.exe \
             share/ce-winsock/samples/echo/echo_client.c share/ce-winsock/samples/echo/echo_client.exe \
             share/ce-winsock/samples/lingertable/lingertable.c \
             share/ce-winsock/samples/lingertable/lingertable.exe; do
        [ -f "$stage/$f" ] || { echo "missing: $f"; missing=1; }
    done
    (cd "$stage" && find . -type f | sort | sed 's/^\./    /')
    return $missing
}

# The flags, from pkg-config; without pkg-config on the machine, the same
# Cflags and Libs read out of the .pc file (said so in the log).
pc_flags() {
    local pc=$stage/lib/pkgconfig/ce-winsock.pc
    if command -v pkg-config >/dev/null && [ -z "${SDK_NO_PKG_CONFIG:-}" ]; then
        PKG_CONFIG_LIBDIR=$stage/lib/pkgconfig pkg-config --cflags --libs ce-winsock
    else
        echo "(no pkg-config on this machine: reading $pc directly)" >&2
        awk '/^[A-Za-z_]+=/      { v[substr($0, 1, index($0, "=") - 1)] = substr($0, index($0, "=") + 1); next }
             /^(Cflags|Libs):/ { line = line " " substr($0, index($0, ":") + 1) }
             END { for (pass = 0; pass < 5; pass++) for (k in v) gsub("\\$\\{" k "\\}", v[k], line)
                   print line }' "$pc"
    fi
}

build_echo() {
    local flags p imports
    flags=$(pc_flags) || return 1
    echo "pkg-config --cflags --libs ce-winsock: $flags"
    case "$flags" in *"-I$stage/include"*"-L$stage/lib"*"-lws2"*) ;; *) echo "unexpected flags"; return 1 ;; esac
    for p in echo_server echo_client; do
        echo "$cc -Wall -Wextra -Werror $stage/share/ce-winsock/samples/echo/$p.c -o $work/$p.exe $flags"
        # shellcheck disable=SC2086
        "$cc" -Wall -Wextra -Werror "$stage/share/ce-winsock/samples/echo/$p.c" -o "$work/$p.exe" $flags || return 1
        imports=$(x86_64-w64-mingw32-objdump -p "$work/$p.exe" | sed -n 's/^[[:space:]]*DLL Name: //p')
        echo "$p.exe imports:" $imports
        grep -qx 'ws2.dll' <<<"$imports" || { echo "$p.exe does not import ws2.dll"; return 1; }
        if grep -qix 'ws2_32.dll' <<<"$imports"; then echo "$p.exe imports the host ws2_32.dll"; return 1; fi
    done
    # a sample of several files, built as its README says: from its folder, *.c
    echo "(cd samples/beam && $cc -Wall -Wextra -Werror *.c -o $work/beam.exe $flags)"
    # shellcheck disable=SC2086
    (cd "$stage/share/ce-winsock/samples/beam" && "$cc" -Wall -Wextra -Werror *.c -o "$work/beam.exe" $flags) || return 1
    # read whole before judging: grep -q would end the pipe early (pipefail)
    imports=$("$SDK_ARCH-w64-mingw32-objdump" -p "$work/beam.exe" | sed -n 's/^[[:space:]]*DLL Name: //p')
    echo "beam.exe imports:" $imports
    grep -qx 'ws2.dll' <<<"$imports" || { echo "beam.exe does not import ws2.dll"; return 1; }
}

install_wine() {
    # a fresh prefix each run: wineboot, then the staged DLLs, then ws2inst reset
    stop_prefix; rm -rf "$sdkprefix"
    mk install-wine FROM="$stage/bin" WINEPREFIX="$sdkprefix" 2>&1
    local rc=$? f
    for f in ws2.dll hostprov.dll celsp.dll ws2inst.exe; do
        cmp -s "$stage/bin/$f" "$sdkprefix/drive_c/windows/system32/$f" || { echo "system32/$f is not the installed one"; rc=1; }
    done
    return $rc
}

run_echo() {
    export WINEPREFIX=$sdkprefix WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml="
    unset DISPLAY WAYLAND_DISPLAY
    cd "$work" || return 1
    local out=$work/server.out port="" rc src
    timeout -k 5 60 wine ./echo_server.exe 0 >"$out" 2>&1 &
    local server=$!
    for _ in $(seq 1 300); do
        port=$(sed -n 's/^echo_server: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out" | tr -d '\r')
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$out"; kill "$server" 2>/dev/null; return 1; }
    timeout -k 5 60 wine ./echo_client.exe "$port" "installed, built with pkg-config" | tr -d '\r' | tee "$work/client.out"
    rc=${PIPESTATUS[0]}
    wait "$server"; src=$?
    tr -d '\r' <"$out"
    [ "$rc" -eq 0 ] && [ "$src" -eq 0 ] && grep -q 'got back "installed, built with pkg-config"' "$work/client.out"
}

stop_prefix() { [ -d "$sdkprefix" ] && WINEPREFIX=$sdkprefix wineserver -k 2>/dev/null; true; }
trap stop_prefix EXIT

t_run make_install install
t_run installed_layout layout
t_run build_echo_with_pkg_config build_echo
if [ "$SDK_ARCH" = x86_64 ]; then
    t_run make_install_wine install_wine
    t_run run_installed_echo run_echo
fi
t_done
