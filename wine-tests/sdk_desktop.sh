#!/usr/bin/env bash
# wine-tests/sdk_desktop.sh BUILD_DIR - a desktop Winsock program, unchanged,
# on ce-winsock.
#
# sdk/tests/desktop_port.cpp (C++, ANSI, getaddrinfo through <wspiapi.h>,
# WSASocket, WSAAddressToString, AcceptEx) is built against the installed
# SDK twice, with no glue: mingw-w64 g++ with `-lws2` from the installed
# tree, and clang for the MSVC target linked by lld-link against the
# installed ws2.lib and kernel32 only.  Each must import ws2.dll and not
# ws2_32.dll or mswsock.dll, and run under Wine printing "desktop_port: ok".
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
out=$SDK_TMP/desktop
stage=$out/stage
src=$SDK_TOP/sdk/tests/desktop_port.cpp
mkdir -p "$out"

install_sdk() {
    rm -rf "$stage"
    make -C "$SDK_TOP" --no-print-directory ARCH="$SDK_ARCH" install PREFIX="$stage" >"$out/install.log" 2>&1 ||
        { tail -20 "$out/install.log"; return 1; }
}

build_gxx() {
    local cmd=("$SDK_ARCH-w64-mingw32-g++" -std=c++17 -O2 -Wall -Wextra -Werror -static-libgcc
               -static-libstdc++ "$src" -o "$out/desktop_port-gxx.exe" -I"$stage/include"
               -L"$stage/lib" -lws2)
    echo "${cmd[*]}"; "${cmd[@]}"
}

build_msvc() {
    local target def machine
    case $SDK_ARCH in
        x86_64) target=x86_64-pc-windows-msvc def=-D_AMD64_ machine=x64 ;;
        *) echo "only x86_64 here"; return 1 ;;
    esac
    local cc=(clang++ "--target=$target" -fgnuc-version=4.2.1 "$def" -ffreestanding -fno-exceptions
              -fno-rtti -std=c++17 -DCEWS_NO_CRT -isystem "/usr/$SDK_ARCH-w64-mingw32/include"
              -I"$stage/include" -D_WIN32_WINNT=0x0601 -DWIN32_LEAN_AND_MEAN -O2 -Wall -Wextra
              -c "$src" -o "$out/desktop_port-msvc.obj")
    local ld=(lld-link /nologo "/machine:$machine" /entry:start /subsystem:console /nodefaultlib
              /out:"$out/desktop_port-msvc.exe" "$out/desktop_port-msvc.obj" "$stage/lib/ws2.lib"
              "/usr/$SDK_ARCH-w64-mingw32/lib/libkernel32.a")
    echo "${cc[*]}"; "${cc[@]}" || return 1
    echo "${ld[*]}"; "${ld[@]}"
}

# imports EXE: ws2.dll, and neither the host's ws2_32.dll nor mswsock.dll
imports() {
    local dlls
    dlls=$(x86_64-w64-mingw32-objdump -p "$out/$1" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sort | tr '\n' ' ')
    echo "imports: $dlls"
    [[ " $dlls" == *" ws2.dll "* ]] && [[ " $dlls" != *" ws2_32.dll "* ]] && [[ " $dlls" != *" mswsock.dll "* ]]
}

run() {
    local rc
    (cd "$out" && timeout -k 5 60 wine "./$1") | tr -d '\r' | tee "$out/$1.log"
    rc=${PIPESTATUS[0]}
    echo "exit code $rc"
    [ "$rc" -eq 0 ] && grep -q '^desktop_port: ok$' "$out/$1.log"
}

if [ "$SDK_ARCH" != x86_64 ]; then
    t_skip desktop_port "x86_64 only (no 32-bit Wine here)"
    t_done
fi
t_run install_sdk install_sdk
t_run gxx_links_with_no_glue build_gxx
t_run gxx_imports_ws2_only imports desktop_port-gxx.exe
t_run clang_msvc_links_with_no_glue build_msvc
t_run clang_msvc_imports_ws2_only imports desktop_port-msvc.exe
if t_need_prefix; then
    # the g++ build needs its C++ runtime DLLs next to it: none (static)
    t_run gxx_runs_under_wine run desktop_port-gxx.exe
    t_run clang_msvc_runs_under_wine run desktop_port-msvc.exe
else
    t_run runs_under_wine false
fi
t_done
