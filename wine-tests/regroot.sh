# wine-tests/regroot.sh - sourced: ce-winsock's registry roots, as reg.exe
# names them, for the scripts.  Usage:  . wine-tests/regroot.sh; regroot_load BUILD_DIR
#
# The roots are defined in one place, sdk/include/cews2.h
# (CEWS2_REGISTRY_ROOT, CEWS2_REGISTRY_ARCH); this reads them from there
# through the cross compiler's preprocessor for the architecture of
# BUILD_DIR/bin/ws2.dll (x86_64 or i686), so a script tests exactly the
# paths the binaries use.  Sets:
#   REGROOT_MACHINE  HKLM\Software\ce-winsock          the machine root
#   REGROOT_USER     HKCU\Software\ce-winsock\<arch>   the per-user root
#   REGROOT_OLD      HKLM\Comm                         what older builds used
# Returns 2 (having said why) if the header cannot be read.

# regroot_literal_ DEFS NAME: the text of NAME's L"..." literal in DEFS, unescaped.
regroot_literal_() {
    printf '%s\n' "$1" | sed -n "s/^#define $2 L\"\\(.*\\)\"\$/\\1/p" | sed 's/\\\\/\\/g'
}

# regroot_arch_ FILE: the mingw-w64 architecture of a PE file, from the
# machine field of its COFF header.
regroot_arch_() {
    local pe machine
    pe=$(od -An -tu4 -j60 -N4 "$1" 2>/dev/null | tr -d ' ')
    [ -n "$pe" ] || return 1
    machine=$(od -An -tx2 -j$((pe + 4)) -N2 "$1" 2>/dev/null | tr -d ' ')
    case $machine in
        8664) echo x86_64 ;;
        014c) echo i686 ;;
        *) return 1 ;;
    esac
}

regroot_load() {
    local build=$1 top arch defs root user_arch
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    arch=$(regroot_arch_ "$build/bin/ws2.dll") || {
        echo "regroot.sh: cannot tell the architecture of $build/bin/ws2.dll" >&2
        return 2
    }
    # The macros as the compiler sees them for this target: one "#define"
    # line each, the L"..." literal with its backslashes doubled.
    defs=$(printf '#include <cews2.h>\n' | "$arch-w64-mingw32-gcc" -E -dM -I"$top/sdk/include" -x c - 2>&1) || {
        printf 'regroot.sh: cannot preprocess sdk/include/cews2.h for %s:\n%s\n' "$arch" "$defs" >&2
        return 2
    }
    root=$(regroot_literal_ "$defs" CEWS2_REGISTRY_ROOT)
    user_arch=$(regroot_literal_ "$defs" CEWS2_REGISTRY_ARCH)
    if [ -z "$root" ] || [ -z "$user_arch" ]; then
        echo "regroot.sh: no CEWS2_REGISTRY_ROOT / CEWS2_REGISTRY_ARCH in sdk/include/cews2.h" >&2
        return 2
    fi
    REGROOT_MACHINE="HKLM\\$root"
    REGROOT_USER="HKCU\\$root\\$user_arch"
    REGROOT_OLD='HKLM\Comm'
    return 0
}
