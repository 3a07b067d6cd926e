/*
 * cews2.h - the ce-winsock SDK header.
 *
 * Include this instead of (or after) <winsock2.h>: it pulls in the system
 * headers and adds what a Windows CE 5.0 Winsock application or service
 * provider needs that mingw-w64's headers lack, plus the few extensions
 * ce-winsock itself exports.  Every value that differs from the desktop SDK
 * carries a note saying so.
 */
#ifndef CEWS2_H
#define CEWS2_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Provider registrations, as CE 5.0 keeps them:
 *
 *   HKEY_LOCAL_MACHINE\Comm\WS2\LSP\<name>
 *       Dll    REG_SZ     the provider DLL (a full path, or a name LoadLibrary finds)
 *       Order  REG_DWORD  ascending run order; absent means 0xFFFFFFFF (last)
 *       Entry  REG_SZ     the DLL's registration export; absent means
 *                         CEWS2_DEFAULT_ENTRY
 *
 * At each process's first WSAStartup, ws2.dll calls every registration's
 * entry in Order (ties broken by name).  The entry installs the provider's
 * catalog entries with WSCInstallProvider, which on CE (and here) fills the
 * running process's catalog rather than a persisted one.  A registration
 * whose DLL is missing, lacks the entry, fails or crashes is skipped with a
 * diagnostic; the others still load.
 */
#define CEWS2_LSP_KEY        L"Comm\\WS2\\LSP"
#define CEWS2_DEFAULT_ENTRY  "InstallProvider"
#define CEWS2_DEFAULT_ORDER  0xFFFFFFFFu

/* The registration entry: dll_path is the registration's Dll value, to be
 * passed to WSCInstallProvider.  Returns 0 or a Winsock error code. */
typedef INT (WINAPI *CEWS2_REGISTER_ENTRY)(LPCWSTR dll_path);

/* The providers ce-winsock ships, with their provider GUIDs. */
#define CEWS2_HOST_PROVIDER_DLL  L"hostprov.dll"
/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0001} */
#define CEWS2_HOST_PROVIDER_GUID \
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x01 } }

/*
 * Diagnostics: ws2.dll writes one line per skipped registration or failed
 * provider load to standard error when CEWS2_DIAG=1 is set in the
 * environment (and always through OutputDebugString).
 */

/* One problem found by CeWs2VerifyCatalog.  registration is the LSP key
 * name (or the provider's catalog entry name for chain problems); error is a
 * Winsock error code (0 for an "ok" line); message is one line of text. */
typedef void (WINAPI *CEWS2_VERIFY_REPORT)(void *context, LPCWSTR registration,
                                           INT error, LPCWSTR message);

/* ws2.dll extension (no WSAStartup needed): build a throw-away catalog from
 * the registrations, exactly as the first WSAStartup would, without touching
 * the process's own catalog; run every registration's entry; load and start
 * the provider of every catalog entry; check every protocol chain refers to
 * entries that exist.  report is called once per registration that is fine
 * (error 0) and once per problem.  Returns the number of problems. */
INT WINAPI CeWs2VerifyCatalog(CEWS2_VERIFY_REPORT report, void *context);

#ifdef __cplusplus
}
#endif

#endif /* CEWS2_H */
