# ce-winsockConfig.cmake - what find_package(ce-winsock CONFIG) reads in an
# installed ce-winsock SDK (PREFIX/lib/cmake/ce-winsock/, put there by
# `make install`).
#
#   find_package(ce-winsock CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE ce-winsock::ws2)
#
# ce-winsock::ws2 is ws2.dll, the CE-style Winsock stack: its import library
# (libws2.a for GNU-style linkers such as mingw-w64's, ws2.lib for MSVC-style
# ones), the include directory (cews2.h, cews2_ce.h), and the DLL itself as
# IMPORTED_LOCATION, so $<TARGET_RUNTIME_DLLS:app> or
# $<TARGET_FILE:ce-winsock::ws2> can copy it beside a program.  ws2.dll
# alone does not make a running stack: the provider DLLs must be installed
# and registered too (`ws2inst reset`), which PREFIX/bin/cews2-run does for
# a Wine prefix.  Also set:
#
#   ce-winsock_PREFIX          the installed tree
#   ce-winsock_RUNTIME_FILES   every file the stack needs at run time
#                              (ws2.dll, the provider DLLs, irair.exe,
#                              ws2inst.exe), for packaging
#   ce-winsock_LAUNCHER        PREFIX/bin/cews2-run (runs a program under
#                              Wine through the stack)
#
# Every path is computed from this file's own location, so the installed
# tree can be moved or copied anywhere.

get_filename_component(_cews_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT WIN32)
  set(ce-winsock_FOUND FALSE)
  file(GLOB _cews_toolchains "${_cews_prefix}/share/ce-winsock/cmake/mingw-w64-*.cmake")
  set(ce-winsock_NOT_FOUND_MESSAGE "ce-winsock is a Windows DLL: configure for Windows with a \
toolchain file, e.g. -DCMAKE_TOOLCHAIN_FILE=${_cews_toolchains}")
  unset(_cews_toolchains)
  return()
endif()

# MSVC and clang for an MSVC target (clang-cl or the GNU-style driver) link
# ws2.lib; the rest (mingw-w64's gcc and clang) libws2.a.  Each carries the
# few static helpers Winsock's import library has, built for that ABI.
if(MSVC OR "${CMAKE_C_SIMULATE_ID}${CMAKE_CXX_SIMULATE_ID}" MATCHES "MSVC")
  set(_cews_implib "${_cews_prefix}/lib/ws2.lib")
else()
  set(_cews_implib "${_cews_prefix}/lib/libws2.a")
endif()

foreach(_cews_file "${_cews_prefix}/bin/ws2.dll" "${_cews_implib}" "${_cews_prefix}/include/cews2.h")
  if(NOT EXISTS "${_cews_file}")
    set(ce-winsock_FOUND FALSE)
    set(ce-winsock_NOT_FOUND_MESSAGE "the ce-winsock installation in ${_cews_prefix} has no ${_cews_file}")
    return()
  endif()
endforeach()

if(NOT TARGET ce-winsock::ws2)
  add_library(ce-winsock::ws2 SHARED IMPORTED)
  set_target_properties(ce-winsock::ws2 PROPERTIES
    IMPORTED_LOCATION "${_cews_prefix}/bin/ws2.dll"
    IMPORTED_IMPLIB "${_cews_implib}"
    INTERFACE_INCLUDE_DIRECTORIES "${_cews_prefix}/include")
endif()

set(ce-winsock_PREFIX "${_cews_prefix}")
file(GLOB ce-winsock_RUNTIME_FILES "${_cews_prefix}/bin/*.dll" "${_cews_prefix}/bin/*.exe")
set(ce-winsock_LAUNCHER "${_cews_prefix}/bin/cews2-run")

unset(_cews_file)
unset(_cews_implib)
unset(_cews_prefix)
