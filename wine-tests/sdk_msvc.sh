#!/usr/bin/env bash
# wine-tests/sdk_msvc.sh BUILD_DIR - an MSVC-style program on ce-winsock.
#
# Compiles sdk/tests/msvc_echo.c with clang for the MSVC target, links it
# with lld-link against BUILD_DIR/lib/ws2.lib (llvm-dlltool's import library
# for ws2.dll) and kernel32 (mingw-w64's import library; there is no MSVC
# runtime here, so the program uses none), checks that it imports ws2.dll and
# kernel32 only, and runs it under Wine: WSAStartup, a TCP echo over
# loopback through our stack, exit 0.  The i686 ws2.lib, when built
# (make ARCH=i686), is linked too (no 32-bit Wine to run it).
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
out=$SDK_TMP/msvc
mkdir -p "$out"
src=$SDK_TOP/sdk/tests/msvc_echo.c

# build ARCH: compile + link into $out/msvc_echo-ARCH.exe
build() {
    local arch=$1 target def machine lib=$SDK_TOP/build/$1/lib/ws2.lib extra=()
    case $arch in
        x86_64) target=x86_64-pc-windows-msvc def=-D_AMD64_ machine=x64 ;;
        i686)   target=i686-pc-windows-msvc   def=-D_X86_   machine=x86 extra=(/safeseh:no) ;;
    esac
    [ -f "$lib" ] || { t_say "missing $lib (make ARCH=$arch all)"; return 1; }
    # mingw-w64's headers serve as the Windows SDK headers: they need
    # __GNUC__ (-fgnuc-version) and the architecture macro mingw's gcc defines.
    local cc=(clang "--target=$target" -fgnuc-version=4.2.1 "$def" -ffreestanding
              -isystem "/usr/$arch-w64-mingw32/include" -I"$SDK_TOP/sdk/include"
              -D_WIN32_WINNT=0x0601 -DWIN32_LEAN_AND_MEAN -O2 -Wall -Wextra -Werror
              -c "$src" -o "$out/msvc_echo-$arch.obj")
    # mingw-w64's import libraries predate /safeseh, hence /safeseh:no on x86.
    local ld=(lld-link /nologo "/machine:$machine" "${extra[@]}" /entry:start /subsystem:console
              /nodefaultlib /out:"$out/msvc_echo-$arch.exe" "$out/msvc_echo-$arch.obj"
              "$lib" "/usr/$arch-w64-mingw32/lib/libkernel32.a")
    echo "${cc[*]}"; "${cc[@]}" || return 1
    echo "${ld[*]}"; "${ld[@]}" || return 1
}

# imports ARCH: exactly KERNEL32.dll and ws2.dll, ws2.dll's names undecorated
imports() {
    local exe=$out/msvc_echo-$1.exe dlls
    dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p' | sort | tr '\n' ' ')
    echo "imports: $dlls"
    [ "$dlls" = "KERNEL32.dll ws2.dll " ] || return 1
    x86_64-w64-mingw32-objdump -p "$exe" | awk '/DLL Name: ws2.dll/ { on = 1; next } /DLL Name:/ { on = 0 }
        on && NF == 3 && $2 ~ /^[0-9]+$/ { n++; if ($3 ~ /@/ || $3 ~ /^_/) bad++ }
        END { printf "ws2.dll imports: %d, decorated: %d\n", n, bad; exit !(n > 0 && bad == 0) }'
}

run() {
    local rc
    (cd "$out" && timeout -k 5 60 wine "./msvc_echo-$1.exe") | tr -d '\r' | tee "$out/run.log"
    rc=${PIPESTATUS[0]}
    echo "exit code $rc"
    [ "$rc" -eq 0 ] && grep -q '^msvc_echo: ok$' "$out/run.log"
}

t_run "clang_lld_link_$SDK_ARCH" build "$SDK_ARCH"
t_run "imports_$SDK_ARCH" imports "$SDK_ARCH"
if [ "$SDK_ARCH" = x86_64 ]; then
    if t_need_prefix; then
        t_run run_under_wine run x86_64
    else
        t_run run_under_wine false
    fi
fi
if [ "$SDK_ARCH" != i686 ]; then
    if [ -f "$SDK_TOP/build/i686/lib/ws2.lib" ]; then
        t_run clang_lld_link_i686 build i686
        t_run imports_i686 imports i686
    else
        t_skip clang_lld_link_i686 "no build/i686/lib/ws2.lib (make ARCH=i686 all)"
    fi
fi
t_done
