#!/usr/bin/env bash
# wine-tests/installer_crash.sh BUILD_DIR [--long]
#
# ws2inst killed at every step of a change: for each operation, run it with
# CEWS2_INSTALL_CRASH_AT=1, 2, ... (ws2/registration.h: the writer kills
# itself with exit code 0xCE right after its N-th registry modification)
# until it completes, and after every interruption check that
#   * a reader (ws2inst list --read-only, what ws2.dll sees) finds exactly
#     the old set or exactly the new set;
#   * a writer-capable reader (ws2inst list, which recovers first) finds the
#     same set, and leaves the registry clean: the complete new tree, or the
#     old LSP key byte for byte and no journal.
# Short profile (run.sh): "install (new)" and "remove"; --long (make stress):
# also "install (replace)" and "reset".  Derived from a colleague's
# /tmp/crash/crash-test.sh.  Runs in the test prefix (WINEPREFIX, set up by
# run.sh or stress/run.sh); the prefix's own registrations are saved first
# and restored at the end.  Output is cmocka-style, one test per operation.
set -u
build=${1:?usage: installer_crash.sh BUILD_DIR [--long]}
long=0
[ "${2:-}" = --long ] && long=1
: "${WINEPREFIX:?WINEPREFIX must be set (run through wine-tests/run.sh)}"
export WINEDEBUG=${WINEDEBUG:--all}
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -f "$sys32/ws2inst.exe" ] || { echo "no ws2inst.exe in $sys32"; exit 2; }
work=$(mktemp -d /tmp/cews2-instcrash.XXXXXX)
winwork=$(winepath -w "$work" 2>/dev/null)
trap 'rm -rf "$work"' EXIT

W() { (cd "$sys32" && wine ws2inst.exe "$@"); }
R() { wine reg "$@"; }

# The prefix's registrations, to put back at the end.
R export 'HKLM\Comm' "$winwork\\saved.reg" >/dev/null 2>&1 || : > "$work/saved.reg"

# The old state: three registrations, one with a value and a subkey ws2inst
# does not own, one malformed (carried over unchanged by every writer).
# "[-...]" first: one reg import both clears and writes.
cat > "$work/old.reg" <<'REG'
REGEDIT4

[-HKEY_LOCAL_MACHINE\Comm]

[HKEY_LOCAL_MACHINE\Comm\WS2\LSP\Alpha]
"Dll"="Z:\\nowhere\\hostprov.dll"
"Order"=dword:00000064
"Setting"="keep me"

[HKEY_LOCAL_MACHINE\Comm\WS2\LSP\Alpha\Config]
"Deep"=hex:01,02,03

[HKEY_LOCAL_MACHINE\Comm\WS2\LSP\Beta]
"Dll"="beta.dll"
"Order"=dword:000000c8
"Entry"="BetaInstall"

[HKEY_LOCAL_MACHINE\Comm\WS2\LSP\Broken]
"Dll"=dword:00000001
REG

old_state() { R import "$winwork\\old.reg" >/dev/null 2>&1; }
# The registrations part of "ws2inst list" (the catalog part follows "Catalog").
effective() { W list "$@" 2>/dev/null | tr -d '\r' | sed '/^Catalog/,$d'; }
raw() { R query 'HKLM\Comm\WS2' /s 2>/dev/null | tr -d '\r' | grep -v LspSequence; }
raw_lsp() { R query 'HKLM\Comm\WS2\LSP' /s 2>/dev/null | tr -d '\r'; }

ops=("install --name Gamma --dll gamma.dll --order 150"
     "remove Alpha")
names=(install_new remove)
if [ $long = 1 ]; then
    ops+=("install --name Beta --dll beta2.dll --order 50 --entry Other" "reset")
    names+=(install_replace reset)
fi

echo "[==========] Running ${#ops[@]} test(s)."
total=0 failed_tests=() passed=0 start=$(date +%s)
for i in "${!ops[@]}"; do
    op=${ops[$i]} name=${names[$i]}
    echo "[ RUN      ] $name"
    bad=0
    old_state; old=$(effective --read-only); old_raw=$(raw_lsp)
    W $op >/dev/null 2>&1 || { echo "    baseline '$op' failed"; bad=1; }
    new=$(effective --read-only); new_raw=$(raw_lsp); new_full=$(raw)
    if [ "$old" = "$new" ]; then echo "    '$op' changes nothing?"; bad=1; fi
    n=1 masked=0 rc=0
    while [ $bad = 0 ]; do
        old_state
        CEWS2_INSTALL_CRASH_AT=$n W $op >/dev/null 2>&1; rc=$?
        [ $rc -ne 206 ] && break
        total=$((total + 1))
        seen=$(effective --read-only); lsp_now=$(raw_lsp)
        which=none
        [ "$seen" = "$old" ] && which=old
        [ "$seen" = "$new" ] && which=new
        [ "$lsp_now" != "$old_raw" ] && [ "$lsp_now" != "$new_raw" ] && masked=$((masked + 1))
        recovered=$(effective)          # a writer-capable reader recovers first
        after=$(raw)
        ok=1
        [ $which = none ] && ok=0
        [ "$recovered" = "$seen" ] || ok=0
        if [ $which = new ] && [ "$after" != "$new_full" ]; then ok=0; fi
        if [ $which = old ]; then
            [ "$(raw_lsp)" = "$old_raw" ] || ok=0
            echo "$after" | grep -q 'LSP.journal' && ok=0
        fi
        printf '    N=%-3d effective=%-4s %s\n' $n $which "$([ $ok = 1 ] && echo ok || echo BROKEN)"
        if [ $ok = 0 ]; then
            bad=1
            printf '    seen:\n%s\n    recovered:\n%s\n    registry after:\n%s\n' "$seen" "$recovered" "$after" | sed 's/^/    | /'
        fi
        n=$((n + 1))
        if [ $n -gt 400 ]; then echo "    more than 400 interruption points?"; bad=1; fi
    done
    if [ $bad = 0 ] && [ $rc -ne 0 ]; then echo "    the uninterrupted run exited $rc"; bad=1; fi
    if [ $bad = 0 ] && [ "$(effective --read-only)" != "$new" ]; then echo "    the completed run did not give the new set"; bad=1; fi
    echo "    '$op': $((n - 1)) interruption points, each left the old or the new set ($masked with a half-written LSP key masked by the journal)"
    if [ $bad = 0 ]; then echo "[       OK ] $name"; passed=$((passed + 1)); else echo "[  FAILED  ] $name"; failed_tests+=("$name"); fi
done

# Put the prefix's own registrations back.
R delete 'HKLM\Comm' /f >/dev/null 2>&1
if [ -s "$work/saved.reg" ]; then R import "$winwork\\saved.reg" >/dev/null 2>&1; else W reset >/dev/null 2>&1; fi
W verify >/dev/null 2>&1 || W reset >/dev/null 2>&1

echo "    $total interrupted runs in $(( $(date +%s) - start )) s"
echo "[==========] ${#ops[@]} test(s) run."
echo "[  PASSED  ] $passed test(s)."
if [ ${#failed_tests[@]} -gt 0 ]; then
    echo "[  FAILED  ] ${#failed_tests[@]} test(s), listed below:"
    for t in "${failed_tests[@]}"; do echo "[  FAILED  ] $t"; done
    exit 1
fi
exit 0
