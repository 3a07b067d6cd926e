#!/usr/bin/env bash
# sdk/install-wine.sh BINDIR WINEPREFIX - install ce-winsock into a Wine
# prefix (what `make install-wine` runs).
#
# Copies BINDIR's DLLs and ws2inst.exe (build/<arch>/bin, or an installed
# PREFIX/bin) into WINEPREFIX's drive_c/windows/system32 and registers the
# providers with `ws2inst reset`; creates the prefix with wineboot first if it
# does not exist.  This is wine-tests/prefix.sh's prefix_setup, unchanged: it
# is handed a directory whose bin/ and wineprefix/ are links to BINDIR and
# WINEPREFIX.
set -uo pipefail

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
    echo "usage: $0 BINDIR WINEPREFIX" >&2
    exit 2
fi
top=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(cd "$1" && pwd) || exit 2
mkdir -p "$2" || exit 2
target=$(cd "$2" && pwd)

view=$(mktemp -d "${TMPDIR:-/tmp}/ce-winsock-install.XXXXXX") || exit 2
trap 'rm -rf "$view"' EXIT
ln -s "$bindir" "$view/bin"
ln -s "$target" "$view/wineprefix"

PREFIX_TAG=install-wine
. "$top/wine-tests/prefix.sh"
prefix_say "installing $bindir into $target"
if ! prefix_setup "$view"; then
    [ -f "$view/wineboot.log" ] && tail -20 "$view/wineboot.log" >&2
    exit 1
fi
(cd "$SYS32" && wine ws2inst.exe list) | sed 's/^/    /' >&2
# Let the prefix's wineserver write the registry and exit.
timeout 60 wineserver -w 2>/dev/null || true
prefix_say "done: WINEPREFIX=$target wine <your program> (ws2.dll is in system32)"
