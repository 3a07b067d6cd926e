#!/usr/bin/env bash
# wine-tests/installer_crash.sh BUILD_DIR [--long]
#
# ws2inst killed at every step of a change: for each operation, run it with
# CEWS2_INSTALL_CRASH_AT=1, 2, ... (ws2/regtree.h: the writer kills itself
# with exit code 0xCE right after its N-th registry modification) until it
# completes, and after every interruption check that
#   * a reader (ws2inst list --read-only, what ws2.dll sees) finds exactly
#     the old set or exactly the new set;
#   * a writer-capable reader (ws2inst list, which recovers first) finds the
#     same set, and leaves the registry clean: the complete new tree, or the
#     old LSP key byte for byte and no journal;
#   * a --user operation never touched the machine root;
#   * a migration (the old root HKLM\Comm moved below the machine root)
#     either left the old root whole, or, once its set is in effect, is
#     gone from the old root entirely.
# CMOCKA_TEST_FILTER, if set, is a glob the test names must match.
# Short profile (run.sh): "install (new)", "--user remove" and "migrate"
# (about 90 interrupted runs); --long (make stress): also "remove",
# "install (replace)", "reset", "--user install (new)" and "--user reset".  Derived from a colleague's
# /tmp/crash/crash-test.sh.  Runs in the test prefix (WINEPREFIX, set up by
# run.sh or stress/run.sh); the prefix's own registrations (both roots) are
# saved first and restored at the end.  The roots come from sdk/include/cews2.h
# (wine-tests/regroot.sh).  Output is cmocka-style, one test per operation.
set -u
build=${1:?usage: installer_crash.sh BUILD_DIR [--long]}
long=0
[ "${2:-}" = --long ] && long=1
: "${WINEPREFIX:?WINEPREFIX must be set (run through wine-tests/run.sh)}"
export WINEDEBUG=${WINEDEBUG:--all}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/regroot.sh"
regroot_load "$build" || exit 2
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -f "$sys32/ws2inst.exe" ] || { echo "no ws2inst.exe in $sys32"; exit 2; }
work=$(mktemp -d /tmp/cews2-instcrash.XXXXXX)
winwork=$(winepath -w "$work" 2>/dev/null)
# Put the prefix's own registrations and settings back, however the script
# ends (run.sh's timeout sends TERM and allows 15 s more).
restore() {
    R delete "$REGROOT_OLD" /f >/dev/null 2>&1
    R delete "$REGROOT_USER" /f >/dev/null 2>&1
    R delete "$REGROOT_MACHINE" /f >/dev/null 2>&1
    [ -s "$work/saved-user.reg" ] && R import "$winwork\\saved-user.reg" >/dev/null 2>&1
    if [ -s "$work/saved-machine.reg" ]; then R import "$winwork\\saved-machine.reg" >/dev/null 2>&1; else W reset >/dev/null 2>&1; fi
    W verify >/dev/null 2>&1 || W reset >/dev/null 2>&1
    rm -rf "$work"
}
trap restore EXIT
trap 'exit 143' TERM INT

W() { (cd "$sys32" && wine ws2inst.exe "$@"); }
R() { wine reg "$@"; }
# reg.exe's short hive names, as .reg files spell them.
long_name() { printf '%s\n' "$1" | sed 's/^HKLM/HKEY_LOCAL_MACHINE/; s/^HKCU/HKEY_CURRENT_USER/'; }
MACHINE_LONG=$(long_name "$REGROOT_MACHINE")
USER_LONG=$(long_name "$REGROOT_USER")
OLD_LONG=$(long_name "$REGROOT_OLD")

# The prefix's registrations and settings, to put back at the end.
R export "$REGROOT_MACHINE" "$winwork\\saved-machine.reg" >/dev/null 2>&1 || : > "$work/saved-machine.reg"
R export "$REGROOT_USER" "$winwork\\saved-user.reg" >/dev/null 2>&1 || : > "$work/saved-user.reg"

# The old state of a root (@ROOT@): three registrations, one with a value
# and a subkey ws2inst does not own, one malformed (carried over unchanged
# by every writer).
cat > "$work/set.in" <<'REG'
[@ROOT@\Comm\WS2\LSP\Alpha]
"Dll"="Z:\\nowhere\\hostprov.dll"
"Order"=dword:00000064
"Setting"="keep me"

[@ROOT@\Comm\WS2\LSP\Alpha\Config]
"Deep"=hex:01,02,03

[@ROOT@\Comm\WS2\LSP\Beta]
"Dll"="beta.dll"
"Order"=dword:000000c8
"Entry"="BetaInstall"

[@ROOT@\Comm\WS2\LSP\Broken]
"Dll"=dword:00000001

REG
# Before a migration: the same three under the old root, with settings
# there too, and a machine root that already has its own Beta (kept).
cat > "$work/old-root.in" <<'REG'
[@OLD@\WS2]
"Trace"="0"

[@OLD@\WS2\LSP\Alpha]
"Dll"="Z:\\nowhere\\hostprov.dll"
"Order"=dword:00000064
"Setting"="keep me"

[@OLD@\WS2\LSP\Alpha\Config]
"Deep"=hex:01,02,03

[@OLD@\WS2\LSP\Beta]
"Dll"="beta.dll"

[@OLD@\WS2\LSP\Broken]
"Dll"=dword:00000001

[@OLD@\IrDA]
"Nickname"="old-station"

[@ROOT@\Comm\WS2\LSP\Beta]
"Dll"="machine-beta.dll"
"Order"=dword:000000c8

REG
# with_root IN ROOT: IN with @ROOT@ (and @OLD@) replaced (sed needs \ doubled).
with_root() { sed -e "s|@ROOT@|${2//\\/\\\\}|g" -e "s|@OLD@|${OLD_LONG//\\/\\\\}|g" "$1"; }
# state_file OUT PARTS...: one .reg file that first clears the old root,
# the machine root's Comm and the per-user root ("[-...]": one reg import
# both clears and writes, one Wine process per state), then writes PARTS.
state_file() {
    local out=$1; shift
    { printf 'REGEDIT4\n\n[-%s]\n\n[-%s\\Comm]\n\n[-%s]\n\n' "$OLD_LONG" "$MACHINE_LONG" "$USER_LONG"
      cat "$@"; } > "$out"
}
with_root "$work/set.in" "$MACHINE_LONG" > "$work/machine-set"
with_root "$work/set.in" "$USER_LONG" > "$work/user-set"
with_root "$work/old-root.in" "$MACHINE_LONG" > "$work/old-root-set"
state_file "$work/machine.reg" "$work/machine-set"
# A --user operation's machine root: the same set, never changed.
state_file "$work/user.reg" "$work/machine-set" "$work/user-set"
state_file "$work/migrate.reg" "$work/old-root-set"

# The registrations part of "ws2inst list" (the catalog part follows "Catalog").
effective() { W list "$@" 2>/dev/null | tr -d '\r' | sed '/^Catalog/,$d'; }
# A key's tree, or nothing if it is not there (reg prints its error on stdout).
query() { local out; out=$(R query "$1" /s 2>/dev/null) || return 0; printf '%s\n' "$out" | tr -d '\r'; }

# One operation per entry: "ROOT|ws2inst arguments|test name", ROOT being the
# root it writes (machine, user) or "migrate".
all_ops=("machine|install --name Gamma --dll gamma.dll --order 150|install_new"
         "user|--user remove Alpha|user_remove"
         "migrate|migrate|migrate")
if [ $long = 1 ]; then
    all_ops+=("machine|remove Alpha|remove"
              "machine|install --name Beta --dll beta2.dll --order 50 --entry Other|install_replace"
              "machine|reset|reset"
              "user|--user install --name Gamma --dll gamma.dll --order 150|user_install_new"
              "user|--user reset|user_reset")
fi
ops=()
for entry in "${all_ops[@]}"; do
    [ -n "${CMOCKA_TEST_FILTER:-}" ] && [[ ${entry##*|} != $CMOCKA_TEST_FILTER ]] && continue
    ops+=("$entry")
done

echo "[==========] Running ${#ops[@]} test(s)."
total=0 failed_tests=() passed=0 start=$(date +%s)
for entry in "${ops[@]}"; do
    kind=${entry%%|*}; rest=${entry#*|}; op=${rest%|*}; name=${rest##*|}
    case $kind in
        user)    root=$REGROOT_USER;    state="$work/user.reg" ;;
        machine) root=$REGROOT_MACHINE; state="$work/machine.reg" ;;
        migrate) root=$REGROOT_MACHINE; state="$work/migrate.reg" ;;
    esac
    # Everything below the root written (settings included) but the
    # counter; and of a snapshot of it, the set: the blocks of LSP and below.
    raw() { query "$root\\Comm" | grep -v LspSequence; }
    lsp_of() { printf '%s\n' "$1" | SET="$(long_name "$root")\\Comm\\WS2\\LSP" awk \
        'BEGIN { RS = ""; ORS = "\n\n"; set = ENVIRON["SET"] } { split($0, l, "\n") }
         l[1] == set || index(l[1], set "\\") == 1'; }
    old_state() { R import "$winwork\\$(basename "$state")" >/dev/null 2>&1; }
    echo "[ RUN      ] $name"
    bad=0
    old_state; old=$(effective --read-only); old_raw=$(lsp_of "$(raw)")
    old_root_raw=$(query "$REGROOT_OLD"); machine_raw=$(query "$REGROOT_MACHINE")
    W $op >/dev/null 2>&1 || { echo "    baseline '$op' failed"; bad=1; }
    new=$(effective --read-only); new_full=$(raw); new_raw=$(lsp_of "$new_full")
    if [ "$old" = "$new" ]; then echo "    '$op' changes nothing?"; bad=1; fi
    if [ $kind = migrate ] && [ -n "$(query "$REGROOT_OLD")" ]; then echo "    the old root is still there"; bad=1; fi
    n=1 masked=0 rc=0
    while [ $bad = 0 ]; do
        old_state
        CEWS2_INSTALL_CRASH_AT=$n W $op >/dev/null 2>&1; rc=$?
        [ $rc -ne 206 ] && break
        total=$((total + 1))
        seen=$(effective --read-only); lsp_now=$(lsp_of "$(raw)")
        which=none
        [ "$seen" = "$old" ] && which=old
        [ "$seen" = "$new" ] && which=new
        [ "$lsp_now" != "$old_raw" ] && [ "$lsp_now" != "$new_raw" ] && masked=$((masked + 1))
        recovered=$(effective)          # a writer-capable reader recovers first
        after=$(raw)
        why=()                          # every check that failed, by name
        [ $which = none ] && why+=("neither the old nor the new set")
        [ "$recovered" = "$seen" ] || why+=("recovery changed the set")
        if [ $which = new ] && [ "$after" != "$new_full" ]; then why+=("not the complete new tree"); fi
        if [ $which = old ]; then
            [ "$(lsp_of "$after")" = "$old_raw" ] || why+=("LSP not the old one byte for byte")
            echo "$after" | grep -q 'LSP.journal' && why+=("a journal left")
        fi
        if [ $kind = migrate ]; then
            # Whole until the moved set is in effect, gone from then on.
            if [ $which = old ] && [ "$(query "$REGROOT_OLD")" != "$old_root_raw" ]; then why+=("old root changed"); fi
            if [ $which = new ] && [ -n "$(query "$REGROOT_OLD")" ]; then why+=("old root still there"); fi
        fi
        if [ $kind = user ] && [ "$(query "$REGROOT_MACHINE")" != "$machine_raw" ]; then why+=("the machine root changed"); fi
        ok=1
        [ ${#why[@]} -gt 0 ] && ok=0
        printf '    N=%-3d effective=%-4s %s\n' $n $which "$([ $ok = 1 ] && echo ok || echo "BROKEN: $(IFS=';'; echo "${why[*]}")")"
        if [ $ok = 0 ]; then
            bad=1
            printf '    seen:\n%s\n    recovered:\n%s\n    registry after:\n%s\n    old root after:\n%s\n' \
                "$seen" "$recovered" "$after" "$(query "$REGROOT_OLD")" | sed 's/^/    | /'
        fi
        n=$((n + 1))
        if [ $n -gt 400 ]; then echo "    more than 400 interruption points?"; bad=1; fi
    done
    if [ $bad = 0 ] && [ $rc -ne 0 ]; then echo "    the uninterrupted run exited $rc"; bad=1; fi
    if [ $bad = 0 ] && [ "$(effective --read-only)" != "$new" ]; then echo "    the completed run did not give the new set"; bad=1; fi
    echo "    '$op': $((n - 1)) interruption points, each left the old or the new set ($masked with a half-written LSP key masked by the journal)"
    if [ $bad = 0 ]; then echo "[       OK ] $name"; passed=$((passed + 1)); else echo "[  FAILED  ] $name"; failed_tests+=("$name"); fi
done

echo "    $total interrupted runs in $(( $(date +%s) - start )) s"
echo "[==========] ${#ops[@]} test(s) run."
echo "[  PASSED  ] $passed test(s)."
if [ ${#failed_tests[@]} -gt 0 ]; then
    echo "[  FAILED  ] ${#failed_tests[@]} test(s), listed below:"
    for t in "${failed_tests[@]}"; do echo "[  FAILED  ] $t"; done
    exit 1
fi
exit 0
