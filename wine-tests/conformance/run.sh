#!/usr/bin/env bash
# wine-tests/conformance/run.sh BUILD_DIR [--report] [FUNCTION...]   (make conformance)
#
# How far ce-winsock is from Windows/Wine behaviour, measured with Wine
# 8.0's own ws2_32 conformance tests (dlls/ws2_32/tests/sock.c and
# protocol.c), built twice from Debian's wine source package: once against
# the host's ws2_32 ("host") and once against our ws2.dll ("ours").  Wine's
# code is fetched and built here only, never kept in the repository.
#
#  1. fetch  Debian's wine source into build/deps/src/wine (installer/debsrc.sh,
#            cached; remove build/deps/src/wine.stamp to fetch again).
#  2. build  BUILD_DIR/conformance/{host,ours}/{sock,protocol}.exe with
#            Wine's include/wine/test.h and a generated testlist with one
#            entry per test function (select.awk, harness.h); shim.h has
#            what mingw-w64's headers lack.  A test function that needs an
#            export ws2.dll lacks is left out of the ours build and listed
#            as "excluded: missing export X" (exclude.awk; automatic: when
#            the export appears, the function is built and run).  The ours
#            build must import ws2.dll and not ws2_32.dll (checked).
#  3. run    every test function alone (`sock.exe test_accept`), each under
#            a timeout (CONF_TIMEOUT, default 60 s; ten times that for
#            test_send, which receives 1 MiB one byte a call: 70-110 s on
#            the host's ws2_32 under Wine 8, 75-190 s on ours, depending on
#            the machine's load), host first,
#            then ours (one at a time: the tests bind fixed ports), in the
#            prefix wine-tests/prefix.sh sets up (our DLLs installed,
#            providers registered) under BUILD_DIR/conformance/stack/; the
#            host build imports ws2_32 and never loads ours.
#  4. report per function executed/failed/todo/skipped for both, then every
#            check that fails only with ours (compare.awk), judged against
#            ce-differences.txt and known-open.txt beside this script.
#
# Exit status: 0 when every ours-only failure, crash, timeout and exclusion is
# listed in those files; 1 when one is not; 2 when the harness itself could
# not fetch, build or run (one line says which, and where the log is).
# FUNCTION...: run only these test functions (the verdict then covers only
# what ran).  --report: judge the last run again, without building or
# running (after editing the expectation files).
# Environment: CONF_TIMEOUT (seconds per function and build).
# Output: BUILD_DIR/conformance/ (report.txt, results/, out/KIND/FUNCTION.log).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
say() { printf 'conformance: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [--report] [FUNCTION...]" >&2; exit 2; }
[ -d "$1" ] || die "no build folder $1: build first (make all)"
B=$(cd "$1" && pwd); shift
report_only=0
if [ "${1:-}" = --report ]; then report_only=1; shift; fi
only=("$@")
case $(basename "$B") in
x86_64) ;;
*) die "only the x86_64 build runs under this machine's Wine (got $B)" ;;
esac
triple=x86_64-w64-mingw32
CC=$triple-gcc
OBJDUMP=$triple-objdump
timeout_s=${CONF_TIMEOUT:-60}
O=$B/conformance
mkdir -p "$O"
units_all=(sock protocol)
t_start=$(date +%s)

# report: compare.awk reads the results, the outputs, the exclusions and the
# two expectation files, prints the report (also into report.txt), exits 0/1.
report() {
    [ -s "$O/results/ours.tsv" ] || die "no results in $O/results: run make conformance first"
    awk -v dir="$O" -v only="${only[*]}" \
        -v ce="$here/ce-differences.txt" -v open="$here/known-open.txt" \
        -v wine_version="$(cat "$O/results/wine-version" 2>/dev/null)" "$@" \
        -f "$here/compare.awk" "$O/results/host.tsv" "$O/results/ours.tsv" | tee "$O/report.txt"
    return "${PIPESTATUS[0]}"
}
# --report: judge the last run again (after editing the expectation files)
if [ $report_only -eq 1 ]; then report; exit $?; fi

# --- 1. fetch ----------------------------------------------------------------
deps=$top/build/deps/src
. "$top/installer/debsrc.sh"
debsrc_fetch wine "$deps" >"$O/fetch.log" 2>&1 \
    || die "could not fetch wine source; see $O/fetch.log and $deps/wine.fetch.log"
W=$deps/wine
for f in dlls/ws2_32/tests/sock.c dlls/ws2_32/tests/protocol.c include/wine/test.h include/wine/debug.h; do
    [ -f "$W/$f" ] || die "the fetched wine source has no $f (in $W)"
done
wine_version=$(sed -n '1s/^wine[^(]*(\([^)]*\)).*/\1/p' "$W/debian/changelog" 2>/dev/null)
t_fetched=$(date +%s)

# --- 2. build ----------------------------------------------------------------
# Wine's test headers only (not the rest of Wine's include/: mingw-w64's
# headers are the ones under test), found after include/wine/test.h, the
# harness's wrapper.
mkdir -p "$O/wineinc/wine"
ln -sf "$W/include/wine/test.h" "$W/include/wine/debug.h" "$O/wineinc/wine/"
# As Wine builds its tests (-D__WINESRC__), optimised, but with no function
# inlined into another unless declared inline: each test function keeps its
# own section, which is how exclude.awk tells what it needs.
CFLAGS=(-O2 -g -D__WINESRC__
        -fno-inline-small-functions -fno-inline-functions -fno-inline-functions-called-once
        -fno-partial-inlining -fno-ipa-icf -ffunction-sections -fdata-sections
        -include "$here/shim.h" -I"$here/include" -I"$O/wineinc")
# Wine's Makefile.in: IMPORTS = iphlpapi ws2_32 user32 (ntdll implicitly).
LIBS_host=(-lws2_32 -liphlpapi -luser32 -lntdll)
LIBS_ours=(-L"$B/lib" -lws2 -liphlpapi -luser32 -lntdll)

# gen_testlist KIND UNIT: the testlist, as Wine's makedep writes it, with one
# entry per test function that sets conf_only (harness.h) and runs the unit.
gen_testlist() {
    local d=$O/$1 u=$2 n
    {
        printf '/* generated by wine-tests/conformance/run.sh */\n'
        printf '#define WIN32_LEAN_AND_MEAN\n#include <windows.h>\n\n#define STANDALONE\n#include "wine/test.h"\n\n'
        printf 'const char *conf_only;\nextern void func_%s(void);\n' "$u"
        while read -r n; do
            printf 'static void conf_%s(void) { conf_only = "%s"; func_%s(); }\n' "$n" "$n" "$u"
        done <"$d/$u.run"
        printf '\nconst struct test winetest_testlist[] =\n{\n    { "%s", func_%s },\n' "$u" "$u"
        while read -r n; do printf '    { "%s", conf_%s },\n' "$n" "$n"; done <"$d/$u.run"
        printf '    { 0, 0 }\n};\n'
    } >"$d/src/${u}_testlist.c"
}

# compile_link KIND UNIT: generate, compile and link KIND's UNIT.exe with the
# functions of $d/$u.excluded left out; 0, or 1 with ld's messages in the log.
compile_link() {
    local kind=$1 u=$2 d=$O/$1 defs=() libs
    [ "$kind" = ours ] && defs=(-DCONF_OURS)
    if [ "$kind" = ours ]; then libs=("${LIBS_ours[@]}"); else libs=("${LIBS_host[@]}"); fi
    awk -v mode=source -v excluded="$d/$u.excluded" -f "$here/select.awk" \
        "$W/dlls/ws2_32/tests/$u.c" >"$d/src/$u.c" || return 2
    awk -F'\t' -v x="$d/$u.excluded" 'BEGIN { while ((getline l < x) > 0) { split(l, f, "\t"); skip[f[1]] = 1 } }
        !($1 in skip)' "$d/$u.units" >"$d/$u.run"
    gen_testlist "$kind" "$u"
    "$CC" "${CFLAGS[@]}" "${defs[@]}" -c "$d/src/$u.c" -o "$d/obj/$u.o" >"$d/log/$u.cc.log" 2>&1 || return 2
    "$CC" "${CFLAGS[@]}" "${defs[@]}" -DCONF_SHIM_DEFS -c "$d/src/${u}_testlist.c" \
        -o "$d/obj/${u}_testlist.o" >>"$d/log/$u.cc.log" 2>&1 || return 2
    "$CC" -o "$d/$u.exe" "$d/obj/$u.o" "$d/obj/${u}_testlist.o" -static-libgcc "${libs[@]}" \
        >"$d/log/$u.ld.log" 2>&1 || return 1
    return 0
}

# build KIND: both units; for ours, an unresolved import leaves out the test
# functions that reach it (exclude.awk) and the unit is built again.
build() {
    local kind=$1 d=$O/$1 u rc
    mkdir -p "$d/src" "$d/obj" "$d/log"
    for u in "${units_all[@]}"; do
        awk -v mode=units -f "$here/select.awk" "$W/dlls/ws2_32/tests/$u.c" >"$d/$u.units"
        awk -v mode=roots -f "$here/select.awk" "$W/dlls/ws2_32/tests/$u.c" >"$d/$u.roots"
        : >"$d/$u.excluded"
        compile_link "$kind" "$u"; rc=$?
        [ $rc -eq 2 ] && { say "$kind build: could not compile $u.c; see $d/log/$u.cc.log"; return 1; }
        if [ $rc -eq 1 ] && [ "$kind" = ours ]; then
            grep -oE "undefined references? to \`[^']*'" "$d/log/$u.ld.log" | sed "s/.*\`//; s/'\$//" \
                | sort -u >"$d/$u.missing"
            if [ -s "$d/$u.missing" ]; then
                "$OBJDUMP" -r "$d/obj/$u.o" | awk -v units="$d/$u.units" -v roots="$d/$u.roots" -v missing="$d/$u.missing" \
                    -f "$here/exclude.awk" >"$d/$u.excluded.all"
                if grep -q '^-' "$d/$u.excluded.all"; then
                    say "ours build: $u.c uses $(awk -F'\t' '$1 == "-" { printf "%s ", $2 }' "$d/$u.excluded.all")outside any test function, so no exclusion helps; see $d/log/$u.ld.log"
                    return 1
                fi
                mv "$d/$u.excluded.all" "$d/$u.excluded"
                mv "$d/log/$u.ld.log" "$d/log/$u.ld-first.log"
                compile_link "$kind" "$u"; rc=$?
            fi
        fi
        [ $rc -eq 0 ] || { say "$kind build: could not link $u.exe; see $d/log/$u.ld.log"; return 1; }
    done
    return 0
}

# A build is redone when any of its inputs is newer than its stamp.
inputs=("$W/dlls/ws2_32/tests/sock.c" "$W/dlls/ws2_32/tests/protocol.c" "$W/include/wine/test.h"
        "$W/include/wine/debug.h" "$here"/*.h "$here"/include/wine/test.h "$here"/*.awk "$here/run.sh")
up_to_date() {
    local stamp=$O/$1/built.stamp f
    [ -f "$stamp" ] || return 1
    for f in "${inputs[@]}" ${2:+"$2"}; do [ "$f" -nt "$stamp" ] && return 1; done
    return 0
}
build_if_needed() {
    local kind=$1 extra=${2:-}
    if up_to_date "$kind" "$extra"; then echo "$kind build: up to date"; return 0; fi
    rm -f "$O/$kind/built.stamp"
    build "$kind" && touch "$O/$kind/built.stamp"
}
build_if_needed host >"$O/build-host.log" 2>&1 & pid_host=$!
build_if_needed ours "$B/lib/libws2.a" >"$O/build-ours.log" 2>&1; rc_ours=$?
wait $pid_host; rc_host=$?
cat "$O/build-host.log" "$O/build-ours.log" >&2
[ $rc_host -eq 0 ] || die "could not build the host build; see $O/build-host.log"
[ $rc_ours -eq 0 ] || die "could not build the ours build; see $O/build-ours.log"

# The ours build must import ws2.dll and not ws2_32.dll; the host build the reverse.
for u in "${units_all[@]}"; do
    imports=$("$OBJDUMP" -p "$O/ours/$u.exe" | awk '/DLL Name:/ { print tolower($3) }')
    grep -qx 'ws2.dll' <<<"$imports" || die "ours/$u.exe does not import ws2.dll"
    ! grep -qx 'ws2_32.dll' <<<"$imports" || die "ours/$u.exe imports ws2_32.dll"
    imports=$("$OBJDUMP" -p "$O/host/$u.exe" | awk '/DLL Name:/ { print tolower($3) }')
    grep -qx 'ws2_32.dll' <<<"$imports" || die "host/$u.exe does not import ws2_32.dll"
    ! grep -qx 'ws2.dll' <<<"$imports" || die "host/$u.exe imports ws2.dll"
done
t_built=$(date +%s)

# --- 3. run ------------------------------------------------------------------
# The prefix of wine-tests/prefix.sh (our DLLs in system32, providers
# registered), in a folder of its own ($O/stack, whose bin/ is BUILD_DIR/bin)
# so that the setting below stays out of the prefix `make check` uses.
# Both builds run in it: the host build imports ws2_32 and never loads ours.
PREFIX_TAG=conformance
. "$top/wine-tests/prefix.sh"
mkdir -p "$O/stack"
ln -sfn "$B/bin" "$O/stack/bin"
prefix_setup "$O/stack" >"$O/prefix.log" 2>&1 || { cat "$O/prefix.log" >&2; die "could not set up the Wine prefix; see $O/prefix.log"; }
trap prefix_stop EXIT
# Wine's null display driver: with no X server (prefix.sh unsets DISPLAY)
# CreateWindow fails, and the tests that wait for window messages
# (WSAAsyncSelect, WSAAsyncGetServBy*) would hang until their timeout.  The
# desktop picks its driver when it starts: set it, then restart the prefix.
# With a display, winedbg would show its crash dialog and wait for a click:
# ShowCrashDialog=0 has it print the backtrace (into the function's log)
# and end the process, so a crash is recorded as one at once.
if ! grep -q '^"Graphics"="null"' "$WINEPREFIX/user.reg" 2>/dev/null \
   || ! grep -q '^"ShowCrashDialog"=dword:00000000' "$WINEPREFIX/user.reg" 2>/dev/null; then
    { wine reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f &&
      wine reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f; } >>"$O/prefix.log" 2>&1 \
        || die "could not set up Wine's null display driver; see $O/prefix.log"
fi
wineserver -k >/dev/null 2>&1; timeout 60 wineserver -w >/dev/null 2>&1
# one wineserver for the whole run (stopped by prefix_stop), not one per test
wineserver -p >/dev/null 2>&1

want() {
    local f
    [ ${#only[@]} -eq 0 ] && return 0
    for f in "${only[@]}"; do [ "$f" = "$1" ] && return 0; done
    return 1
}

# results/KIND.tsv: unit function status rc seconds; the output in out/KIND/
mkdir -p "$O/results"
for kind in host ours; do
    d=$O/$kind; out=$O/out/$kind
    rm -rf "$out"; mkdir -p "$out"
    : >"$O/results/$kind.tsv"
    for u in "${units_all[@]}"; do
        while read -r fn; do
            want "$fn" || continue
            if ! grep -qx "$fn" "$d/$u.run"; then
                printf '%s\t%s\texcluded\t-\t0\n' "$u" "$fn" >>"$O/results/$kind.tsv"
                continue
            fi
            limit=$timeout_s
            [ "$fn" = test_send ] && limit=$((timeout_s * 10))
            t0=$(date +%s%N)
            (cd "$d" && timeout -k 10 "$limit" wine "$d/$u.exe" "$fn") >"$out/$fn.log" 2>"$out/$fn.err"
            rc=$?
            t1=$(date +%s%N)
            ms=$((t1 / 1000000 - t0 / 1000000))
            if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then status=timeout
            elif grep -q "^[0-9a-f]*:$fn:.* tests executed (" "$out/$fn.log"; then status=ran
            else status=crash
            fi
            printf '%s\t%s\t%s\t%s\t%s\n' "$u" "$fn" "$status" "$rc" "$ms" >>"$O/results/$kind.tsv"
        done <"$d/$u.units"
    done
    printf '%s\n' "$kind done" >&2
done
t_ran=$(date +%s)

# --- 4. report ---------------------------------------------------------------
cat "$O"/ours/*.excluded >"$O/results/excluded.tsv"
printf '%s\n' "$wine_version" >"$O/results/wine-version"
report -v t_fetch=$((t_fetched - t_start)) -v t_build=$((t_built - t_fetched)) -v t_run=$((t_ran - t_built))
exit $?
