# shellcheck shell=bash disable=SC2034
# sdk/tests/sdk_testlib.sh - sourced by wine-tests/sdk_*.sh, the shell suites
# of the SDK.  Each script takes BUILD_DIR (e.g. build/x86_64) and reports in
# cmocka's format, so wine-tests/run.sh counts and tables them like the
# cmocka suites:  t_run NAME COMMAND...  per test, t_done at the end.
set -uo pipefail

SDK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
SDK_BUILD=$(cd "$1" && pwd) || exit 2
SDK_ARCH=$(basename "$SDK_BUILD")          # x86_64 or i686
SDK_TMP=$SDK_BUILD/sdk-tests
mkdir -p "$SDK_TMP"

t_count=0
t_failed=()

# t_run NAME COMMAND...: one test; passes when COMMAND exits 0.
t_run() {
    local name=$1; shift
    echo "[ RUN      ] $name"
    t_count=$((t_count + 1))
    if "$@"; then
        echo "[       OK ] $name"
    else
        echo "[  FAILED  ] $name"
        t_failed+=("$name")
    fi
}

# t_skip NAME WHY
t_skip() {
    echo "[ RUN      ] $1"
    echo "$1: skipped: $2"
    echo "[  SKIPPED ] $1"
    t_count=$((t_count + 1))
}

t_done() {
    echo "[==========] $t_count test(s) run."
    echo "[  PASSED  ] $((t_count - ${#t_failed[@]})) test(s)."
    if [ ${#t_failed[@]} -gt 0 ]; then
        echo "[  FAILED  ] ${#t_failed[@]} test(s), listed below:"
        local n
        for n in "${t_failed[@]}"; do echo "[  FAILED  ] $n"; done
        exit 1
    fi
    exit 0
}

# t_say TEXT: a step, in the log.
t_say() { echo "-- $*"; }

# t_need_prefix: the test run's Wine prefix (run.sh has set it up already;
# when a script runs on its own, set it up here exactly as run.sh does).
t_need_prefix() {
    if [ -z "${WINEPREFIX:-}" ] || [ ! -f "$WINEPREFIX/system.reg" ]; then
        PREFIX_TAG=$(basename "$0")
        . "$SDK_TOP/wine-tests/prefix.sh"
        prefix_setup "$SDK_BUILD" || return 2
        trap prefix_stop EXIT
    fi
    export WINEDEBUG=${WINEDEBUG:--all}
    unset DISPLAY WAYLAND_DISPLAY
}
