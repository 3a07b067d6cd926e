/*
 * testprov.c - the pieces testprov.h lists, written once for the test
 * providers.
 */
#include "testprov.h"
#include <string.h>
#include <wchar.h>
#define SPI_UNSUPPORTED_DEFINE
#include "../../../provider/spi_calls.h"

typedef int (WSPAPI *install_fn)(LPGUID, const WCHAR *, const LPWSAPROTOCOL_INFOW, DWORD, LPINT);

int testprov_install(GUID *id, LPCWSTR dll_path, WSAPROTOCOL_INFOW *entries, DWORD count)
{
    HMODULE ws2 = GetModuleHandleW(L"ws2.dll");
    install_fn install = ws2 ? (install_fn)(void *)GetProcAddress(ws2, "WSCInstallProvider") : NULL;
    int err = 0;

    if (!install)
        return WSASYSNOTREADY;
    if (install(id, dll_path, entries, count, &err))
        return err ? err : WSAEINVAL;
    return 0;
}

void testprov_stream_entry(WSAPROTOCOL_INFOW *info, const GUID *id, int family, const WCHAR *name)
{
    memset(info, 0, sizeof(*info));
    info->dwServiceFlags1 = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_IFS_HANDLES;
    info->ProviderId = *id;
    info->ProtocolChain.ChainLen = BASE_PROTOCOL;
    info->iVersion = 2;
    info->iAddressFamily = family;
    info->iMaxSockAddr = 16;
    info->iMinSockAddr = 16;
    info->iSocketType = SOCK_STREAM;
    info->iProtocol = 0;
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->iNetworkByteOrder = BIGENDIAN;
    wcsncpy(info->szProtocol, name, WSAPROTOCOL_LEN);
}

void testprov_startup(LPWSPDATA data, WORD version, const WCHAR *description, LPWSPPROC_TABLE procs)
{
    memset(data, 0, sizeof(*data));
    data->wVersion = version;
    data->wHighVersion = MAKEWORD(2, 2);
    if (description)
        wcsncpy(data->szDescription, description, WSPDESCRIPTION_LEN);
    spi_unsupported_table(procs);
}
