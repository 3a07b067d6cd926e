#!/usr/bin/env bash
# installer/check-commands-test.sh: check-commands.sh finds what it must
# (a command from a package host-setup does not install, a command nobody
# installs) and nothing it must not (heredoc bodies, quoted programs,
# comments, the script's own functions).  Run by `make check`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fails=0
expect() {  # NAME WANT-RC GREP-PATTERN PACKAGES FILE...
    local name=$1 want=$2 pat=$3 pk=$4 out rc; shift 4
    out=$(bash "$here/check-commands.sh" --packages "$pk" "$@" 2>&1); rc=$?
    if [ "$rc" -ne "$want" ] || ! grep -qE -- "$pat" <<<"$out"; then
        echo "FAIL $name: exit $rc (want $want), output:"; sed 's/^/  | /' <<<"$out"; fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}

cat >"$work/calls-wine.sh" <<'S'
#!/bin/bash
helper() { echo hi; }
if ! out=$(timeout 5 wine --version); then helper; fi
S
cat >"$work/quiet.sh" <<'S'
#!/bin/bash
# wineboot would be a finding here, but this is a comment
cat >x.c <<'C'
int main(void) { return wineboot(); }
C
awk '/x/ { wineserver = 1 }
     END { print wineserver }' x.c | sed -n 1p
echo "wine is not called here: (wineboot)" "$(date +%s)"
n=$((n + 1)); arr+=(winedbg)
case $1 in wine|wineboot) echo match ;; esac
printf '%s\n' "$([ -n "$x" ] && echo ok || echo "BROKEN: $(IFS=';'; echo "wine ${why[*]}")")"
echo "[==========] ${#ops[@]} test(s) run."
S
printf 'FOO_CC := $(TRIPLE)-no-such-tool\nall:\n\t@no-such-recipe-tool --x\n' >"$work/Makefile"

expect "wine from a package host-setup lacks" 1 "'wine' .*package wine," "make" "$work/calls-wine.sh"
expect "wine once host-setup installs it"     0 "all from host-setup" "wine" "$work/calls-wine.sh"
expect "comments, heredocs, quotes, functions" 0 "all from host-setup" "make" "$work/quiet.sh"
expect "Makefile recipes and tool variables"   1 "'no-such-recipe-tool' .*not installed" "make" "$work/Makefile"
expect "Makefile tool variables"               1 "'x86_64-w64-mingw32-no-such-tool' .*not installed" "make" "$work/Makefile"
[ $fails -eq 0 ] && echo "check-commands self-test: passed" || echo "check-commands self-test: $fails failed"
exit $((fails > 0))
