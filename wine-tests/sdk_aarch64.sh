#!/usr/bin/env bash
# wine-tests/sdk_aarch64.sh BUILD_DIR - how far an ARM64 Windows build gets
# on Debian 12 (README.md, "Other architectures").  No Wine involved.
#
# `make ARCH=aarch64` must stop at once with one line saying why (no aarch64
# mingw-w64 CRT or import libraries), and every source of the stack must
# compile for aarch64-w64-mingw32 with Debian's clang and the mingw-w64
# headers (wine_host.c, its Wine mechanism compiled out, down to an ARM64
# COFF object), ws2/ with
# clang's -Wno-ignored-attributes (clang has no format(gnu_printf), which
# ws2_private.h asks for).
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
work=$SDK_TMP/aarch64
unset MAKEFLAGS MFLAGS MAKELEVEL
target=aarch64-w64-mingw32
headers=/usr/share/mingw-w64/include

make_stops_with_one_line() {
    rm -rf "$work"; mkdir -p "$work"
    make -C "$SDK_TOP" --no-print-directory ARCH=aarch64 all >"$work/make.out" 2>"$work/make.err"
    local rc=$?
    cat "$work/make.out" "$work/make.err"
    echo "make ARCH=aarch64: exit $rc, $(wc -l <"$work/make.err") line(s) on stderr, $(wc -l <"$work/make.out") on stdout"
    [ $rc -ne 0 ] && [ "$(wc -l <"$work/make.err")" -eq 1 ] && [ ! -s "$work/make.out" ] || return 1
    grep -q 'ARCH=aarch64: .*no aarch64 mingw-w64 CRT or import libraries' "$work/make.err" || return 1
    [ ! -e "$SDK_TOP/build/aarch64/bin" ] || { echo "make ARCH=aarch64 built something"; return 1; }
}

# clang_arm64 ARGS...: Debian's clang for ARM64 Windows, the project's flags
clang_arm64() {
    (cd "$SDK_TOP" && clang --target=$target -isystem "$headers" -Isdk/include -Iws2 -Iirda/core -Iirda/medium \
        -D_WIN32_WINNT=0x0601 -DWIN32_LEAN_AND_MEAN -std=gnu11 -O2 -Wall -Wextra -Werror "$@")
}

# compile FLAGS... -- FILES...: each FILE checked (-fsyntax-only: the whole
# front end, the headers' ARM64 paths included)
compile() {
    local flags=() f bad=0 n=0
    while [ "$1" != -- ]; do flags+=("$1"); shift; done; shift
    for f in "$@"; do
        if ! clang_arm64 "${flags[@]}" -fsyntax-only "$f"; then
            echo "does not compile for $target: $f"; bad=1; continue
        fi
        n=$((n + 1))
    done
    echo "$n file(s) compile for $target"
    return $bad
}

sources_compile() {
    local others ws2
    mapfile -t others < <(cd "$SDK_TOP" && ls provider/host/*.c provider/lsp/*.c installer/*.c irda/core/*.c \
                                              irda/medium/*.c irda/provider/*.c sdk/samples/*/*.c)
    mapfile -t ws2 < <(cd "$SDK_TOP" && ls ws2/*.c ws2/static/*.c)
    compile -- "${others[@]}" || return 1
    compile -Wno-ignored-attributes -- "${ws2[@]}" || return 1
    # the one file with architecture-specific code, down to an object
    local fmt obj=$work/wine_host.o
    clang_arm64 -c provider/host/wine_host.c -o "$obj" || return 1
    fmt=$(llvm-objdump -f "$obj" | sed -n 's/.*file format //p')
    echo "wine_host.o: $fmt; defines: $(llvm-nm --defined-only "$obj" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')"
    [ "$fmt" = coff-arm64 ] || return 1
    llvm-nm --defined-only "$obj" | grep -q ' T wine_host_send_backlog$'
}

t_run make_aarch64_stops_with_one_line make_stops_with_one_line
t_run sources_compile_for_arm64 sources_compile
t_done
