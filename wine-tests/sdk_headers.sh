#!/usr/bin/env bash
# wine-tests/sdk_headers.sh BUILD_DIR - the SDK headers compile warning-free
# (-Wall -Wextra -Werror) with <af_irda.h> before or after <cews2.h>, as C
# and C++, with mingw-w64 gcc and with clang for the MSVC target, and carry
# CE 5.0's values (sdk/tests/headers_check.c).  Compile-only: no Wine.
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"

src=$SDK_TOP/sdk/tests/headers_check.c
inc=$SDK_TOP/sdk/include
common=(-Wall -Wextra -Werror -I"$inc" -D_WIN32_WINNT=0x0601 -c -o /dev/null)

compile_gcc() {   # ARCH LANG ORDER-FLAG
    local cc=$1-w64-mingw32-gcc std=-std=gnu11
    [ "$2" = c++ ] && cc=$1-w64-mingw32-g++ std=-std=gnu++17
    echo "$cc $std -x $2 $3 ${common[*]} $src"
    "$cc" $std -x "$2" $3 "${common[@]}" "$src"
}
compile_msvc() {  # ARCH ORDER-FLAG
    local target=x86_64-pc-windows-msvc def=-D_AMD64_
    [ "$1" = i686 ] && target=i686-pc-windows-msvc def=-D_X86_
    echo "clang --target=$target ... $2 $src"
    clang --target=$target -fgnuc-version=4.2.1 $def -ffreestanding \
        -isystem "/usr/$1-w64-mingw32/include" $2 "${common[@]}" "$src"
}

for arch in x86_64 i686; do
    for order in "" -DAF_IRDA_FIRST; do
        tag=${order:+af_irda_first}; tag=${tag:-cews2_first}
        t_run "gcc_${arch}_c_$tag"   compile_gcc "$arch" c "$order"
        t_run "gcc_${arch}_c++_$tag" compile_gcc "$arch" c++ "$order"
        t_run "clang_msvc_${arch}_$tag" compile_msvc "$arch" "$order"
    done
done
t_done
