/*
 * testprov.h - what the test providers (wine-tests/providers: crashprov,
 * handledprov, loopprov) would otherwise each write again: the
 * InstallProvider call, a plain stream entry, and a WSPStartup that answers
 * only a few calls.  Linked into every test provider DLL as a library
 * (Makefile), so each takes only what it calls.
 *
 * A test provider needs no DllMain of its own unless it does something at
 * attach: mingw-w64's default answers TRUE.
 */
#ifndef TESTPROV_H
#define TESTPROV_H

#include <cews2.h>

/* InstallProvider's body: WSCInstallProvider of the ws2.dll in the process
 * (ws2inst or the test has it loaded; a provider imports nothing from it)
 * for these count entries under id.  0; WSASYSNOTREADY without ws2.dll;
 * else WSCInstallProvider's error (WSAEINVAL when it gave none). */
int testprov_install(GUID *id, LPCWSTR dll_path, WSAPROTOCOL_INFOW *entries, DWORD count);

/* A base entry of family, SOCK_STREAM protocol 0 (matched by 0), IFS
 * handles, guaranteed delivery and order, 16-byte addresses, named name. */
void testprov_stream_entry(WSAPROTOCOL_INFOW *info, const GUID *id, int family, const WCHAR *name);

/* WSPStartup's answer for a provider that does a few calls: the data
 * (version as wVersion, 2.2 as wHighVersion; a NULL description leaves it
 * empty) and a table in which every call answers WSAEOPNOTSUPP
 * (provider/spi_calls.h), for the provider to replace the few it does. */
void testprov_startup(LPWSPDATA data, WORD version, const WCHAR *description, LPWSPPROC_TABLE procs);

#endif
