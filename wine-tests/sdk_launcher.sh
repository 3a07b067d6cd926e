#!/usr/bin/env bash
# wine-tests/sdk_launcher.sh BUILD_DIR - bin/cews2-run, used as installed.
#
# `make install PREFIX=BUILD_DIR/launcher-install`; then, with that tree's
# cews2-run only: --help and the one-line errors (no program, no wine, a
# default prefix folder that is not a prefix); a fresh --prefix
# (BUILD_DIR/launcher-wineprefix) created and given the stack on first use
# and not again; exit statuses passed through (a program of the test's own
# that starts Winsock and returns its argument: 3, 0, 42); the installed
# echo sample over TCP through the stack with --trace (a relative FILE),
# whose trace has the client's API lines; the stack given again after an
# installed file changed.  Every run has a HOME and a working folder of the
# test's own: afterwards nothing in them, in the installed tree or beside
# the programs may be new but the trace file.
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
stage=$SDK_BUILD/launcher-install
lprefix=$SDK_BUILD/launcher-wineprefix
work=$SDK_TMP/launcher
home=$work/home          # HOME during the runs: must stay empty
cwd=$work/cwd            # the runs' working folder: only the trace file may appear
prog=$work/prog          # the test's own program
out=$work/out            # what the test itself writes
run=$stage/bin/cews2-run
unset MAKEFLAGS MFLAGS MAKELEVEL XDG_DATA_HOME DISPLAY WAYLAND_DISPLAY
mk() { make -C "$SDK_TOP" --no-print-directory ARCH="$SDK_ARCH" "$@"; }

# cews2 ARGS...: cews2-run with the test's HOME, from the test's folder;
# stderr in $out/stderr, stdout in $out/stdout.
cews2() {
    (cd "$cwd" && HOME=$home timeout -k 5 180 "$run" "$@") >"$out/stdout" 2>"$out/stderr"
}

install() {
    stop_prefix
    rm -rf "$stage" "$lprefix" "$work"
    mkdir -p "$home" "$cwd" "$prog" "$out"
    mk install PREFIX="$stage" >"$out/install.log" 2>&1 || { cat "$out/install.log"; return 1; }
    [ -x "$run" ] || { echo "no executable $run"; return 1; }
    # exit_with N: starts Winsock through ws2.dll, then returns N
    cat >"$prog/exit_with.c" <<'EOF'
#include <cews2.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    WSADATA wd;
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return 100;
    WSACleanup();
    return argc > 1 ? atoi(argv[1]) : 0;
}
EOF
    "$SDK_ARCH-w64-mingw32-gcc" -Wall -Wextra -Werror -I"$stage/include" "$prog/exit_with.c" \
        -o "$prog/exit_with.exe" -L"$stage/lib" -lws2 || return 1
    touch "$out/marker"
}

# expect_line RC PATTERN CMD...: CMD exits RC and writes exactly one line to
# stderr, matching PATTERN.
expect_line() {
    local want=$1 pattern=$2 rc; shift 2
    "$@" >"$out/stdout" 2>"$out/stderr"; rc=$?
    echo "$* -> exit $rc: $(cat "$out/stderr")"
    [ "$rc" -eq "$want" ] && [ "$(wc -l <"$out/stderr")" -eq 1 ] && grep -qE "$pattern" "$out/stderr"
}

help_and_errors() {
    local bad=0
    "$run" --help >"$out/stdout" 2>&1 || { echo "--help failed"; bad=1; }
    grep -q '^usage: cews2-run \[--prefix DIR\] \[--trace FILE\] PROGRAM' "$out/stdout" || { cat "$out/stdout"; bad=1; }
    "$run" >/dev/null 2>&1; [ $? -eq 2 ] || { echo "no program: not exit 2"; bad=1; }
    expect_line 2 '^cews2-run: unknown option --bogus' "$run" --bogus x.exe || bad=1
    expect_line 127 "^cews2-run: no such program: $cwd/missing.exe\$" "$run" "$cwd/missing.exe" || bad=1
    # no wine on PATH (and nothing else: the check comes first)
    expect_line 127 '^cews2-run: wine is not installed' env PATH=/nonexistent "$BASH" "$run" "$prog/exit_with.exe" || bad=1
    # the default prefix is under XDG_DATA_HOME; a folder there that is not
    # a prefix is left alone
    mkdir -p "$work/xdg/ce-winsock/wineprefix-$SDK_ARCH" && echo mine >"$work/xdg/ce-winsock/wineprefix-$SDK_ARCH/notes.txt"
    expect_line 125 "^cews2-run: $work/xdg/ce-winsock/wineprefix-$SDK_ARCH is neither empty nor a Wine prefix" \
        env XDG_DATA_HOME="$work/xdg" "$run" "$prog/exit_with.exe" || bad=1
    [ "$(ls -A "$work/xdg/ce-winsock/wineprefix-$SDK_ARCH")" = notes.txt ] || { echo "the folder was changed"; bad=1; }
    return $bad
}

first_run_sets_up() {
    cews2 --prefix "$lprefix" "$prog/exit_with.exe" 3
    local rc=$?
    sed 's/^/    /' "$out/stderr"
    echo "exit_with 3 -> $rc"
    [ $rc -eq 3 ] || return 1
    grep -q "creating the Wine prefix $lprefix" "$out/stderr" && grep -q 'installing ce-winsock' "$out/stderr" || return 1
    cmp "$stage/bin/ws2.dll" "$lprefix/drive_c/windows/system32/ws2.dll" || return 1
    cmp "$stage/bin/celsp.dll" "$lprefix/drive_c/windows/system32/celsp.dll"
}

exit_status_passed_through() {
    local n rc bad=0
    for n in 0 42; do
        cews2 --prefix "$lprefix" "$prog/exit_with.exe" "$n"; rc=$?
        echo "exit_with $n -> $rc"
        [ $rc -eq "$n" ] || bad=1
        # set up once: a second run installs nothing
        if [ -s "$out/stderr" ]; then sed 's/^/    /' "$out/stderr"; echo "cews2-run said something on a set-up prefix"; bad=1; fi
    done
    return $bad
}

echo_with_trace() {
    local samples=$stage/share/ce-winsock/samples/echo port="" rc src
    (cd "$cwd" && HOME=$home timeout -k 5 60 "$run" --prefix "$lprefix" "$samples/echo_server.exe" 0) >"$out/server.out" 2>&1 &
    local server=$!
    for _ in $(seq 1 600); do
        port=$(sed -n 's/^echo_server: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/server.out" | tr -d '\r')
        [ -n "$port" ] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$out/server.out"; kill "$server" 2>/dev/null; return 1; }
    # a relative trace file: relative to the working folder
    cews2 --prefix "$lprefix" --trace trace.log "$samples/echo_client.exe" "$port" "through cews2-run"; rc=$?
    wait "$server"; src=$?
    tr -d '\r' <"$out/server.out"; tr -d '\r' <"$out/stdout"
    echo "client exit $rc, server exit $src"
    [ $rc -eq 0 ] && [ $src -eq 0 ] && grep -q 'got back "through cews2-run"' "$out/stdout" || return 1
    [ -f "$cwd/trace.log" ] || { echo "no trace file $cwd/trace.log"; return 1; }
    echo "trace: $(grep -c ' API ' "$cwd/trace.log") API lines, $(grep -c ' SPI ' "$cwd/trace.log") SPI lines"
    grep -E ' API (WSAStartup|connect|send|recv|closesocket)\(' "$cwd/trace.log" | tr -d '\r' | sed 's/^/    /'
    local call
    for call in WSAStartup connect send recv closesocket; do
        grep -qE " API $call\(.* err=0 " "$cwd/trace.log" || { echo "no successful $call in the trace"; return 1; }
    done
    grep -qE ' API connect\(.*celsp\.dll' "$cwd/trace.log" || { echo "connect did not go through celsp.dll"; return 1; }
}

changed_files_installed_again() {
    # a byte appended to irair.exe (a PE file runs with trailing data)
    printf 'x' >>"$stage/bin/irair.exe"
    cews2 --prefix "$lprefix" "$prog/exit_with.exe" 5
    local rc=$?
    sed 's/^/    /' "$out/stderr"
    echo "exit_with 5 -> $rc"
    [ $rc -eq 5 ] && grep -q 'installing ce-winsock' "$out/stderr" &&
        cmp "$stage/bin/irair.exe" "$lprefix/drive_c/windows/system32/irair.exe"
}

nothing_written_elsewhere() {
    local new
    # HOME, the working folder (but the trace file), the installed tree (but
    # the file the test changed) and the program's folder
    new=$(find "$home" "$cwd" "$stage" "$prog" -newer "$out/marker" \
              ! -path "$cwd" ! -path "$cwd/trace.log" ! -path "$stage/bin/irair.exe" ! -path "$stage/bin" 2>/dev/null)
    [ -z "$(ls -A "$home")" ] || { echo "HOME is not empty:"; find "$home"; return 1; }
    [ -z "$new" ] || { echo "written outside the prefix:"; echo "$new"; return 1; }
    echo "HOME empty; the working folder holds: $(ls -A "$cwd" | tr '\n' ' ')"
}

stop_prefix() { [ -d "$lprefix" ] && WINEPREFIX=$lprefix wineserver -k 2>/dev/null; true; }
trap stop_prefix EXIT

t_run make_install install
t_run help_and_one_line_errors help_and_errors
if [ "$SDK_ARCH" = x86_64 ]; then
    t_run first_run_creates_and_sets_up_prefix first_run_sets_up
    t_run exit_status_passed_through exit_status_passed_through
    t_run echo_sample_with_trace echo_with_trace
    t_run changed_files_installed_again changed_files_installed_again
    t_run nothing_written_outside_prefix nothing_written_elsewhere
fi
t_done
