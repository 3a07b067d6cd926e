# wine-tests/prefix.sh - sourced by run.sh and demo.sh: the test run's own
# Wine prefix.  Usage:  . wine-tests/prefix.sh; prefix_setup BUILD_DIR
#
# Creates BUILD_DIR/wineprefix (wineboot only the first time), copies
# BUILD_DIR/bin/* (ws2.dll, hostprov.dll, ws2inst.exe, ...) into its
# system32, and registers the providers with `ws2inst reset` (machine-wide,
# which also moves what an older build left under HKLM\Comm).
# prefix_clear_user_root (test runs only, after prefix_setup) empties the
# per-user root, so that no suite sees per-user registrations another left
# (they would replace the machine ones).  prefix_stop stops this prefix's
# wineserver only.

. "$(dirname "${BASH_SOURCE[0]}")/regroot.sh"

prefix_say() { printf '%s: %s\n' "${PREFIX_TAG:-wine-tests}" "$*" >&2; }

prefix_setup() {
    local build=$1
    if [ ! -d "$build/bin" ]; then
        prefix_say "no $build/bin: build first (make all)"
        return 2
    fi
    BUILD=$(cd "$build" && pwd)
    export WINEPREFIX="$BUILD/wineprefix"
    export WINEARCH=win64
    export WINEDEBUG=${WINEDEBUG:--all}
    export WINEDLLOVERRIDES="mscoree,mshtml="
    # Wine's stderr chatter would otherwise end up in every log.
    unset DISPLAY WAYLAND_DISPLAY

    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        prefix_say "creating Wine prefix $WINEPREFIX"
        mkdir -p "$WINEPREFIX"
        if ! wine wineboot -i >"$BUILD/wineboot.log" 2>&1; then
            prefix_say "wineboot failed; see $BUILD/wineboot.log"
            return 2
        fi
        timeout 120 wineserver -w || true
    fi
    SYS32="$WINEPREFIX/drive_c/windows/system32"
    if [ ! -d "$SYS32" ]; then
        prefix_say "prefix has no system32: $SYS32"
        return 2
    fi
    local f
    for f in "$BUILD"/bin/*; do
        [ -f "$f" ] && cp -f "$f" "$SYS32/"
    done
    if [ ! -f "$SYS32/ws2inst.exe" ]; then
        prefix_say "ws2inst.exe missing from $BUILD/bin"
        return 2
    fi
    prefix_say "registering providers: ws2inst reset"
    if ! (cd "$SYS32" && wine ws2inst.exe reset) >"$BUILD/ws2inst-reset.log" 2>&1; then
        cat "$BUILD/ws2inst-reset.log" >&2
        prefix_say "ws2inst reset failed"
        return 2
    fi
    return 0
}

prefix_clear_user_root() {
    regroot_load "$BUILD" || return 2
    wine reg delete "$REGROOT_USER" /f >/dev/null 2>&1
    return 0
}

prefix_stop() {
    if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
        wineserver -k 2>/dev/null || true
    fi
}
