/*
 * install.c - the registration entry: one AF_IRDA stream protocol.
 *
 * Not IFS: the handles are ws2.dll's (WPUCreateSocketHandle).  CE 5.0's
 * header values: AF_IRDA 26, the protocol IRDA_PROTO_SOCK_STREAM, and a
 * SOCKADDR_IRDA as the only address size.
 */
#include "irdaprov.h"

/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0004} */
static const GUID irda_provider_guid =
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x04 } };

typedef int (WSPAPI *install_provider_fn)(LPGUID, const WCHAR *, const LPWSAPROTOCOL_INFOW,
                                          DWORD, LPINT);

INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    install_provider_fn install = (install_provider_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"ws2.dll"), "WSCInstallProvider");
    WSAPROTOCOL_INFOW info;
    GUID id = irda_provider_guid;
    int err = 0;

    if (!install)
        return WSASYSCALLFAILURE;
    memset(&info, 0, sizeof(info));
    info.dwServiceFlags1 = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER;
    info.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info.ProviderId = id;
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    info.iVersion = 2;
    info.iAddressFamily = AF_IRDA;
    info.iMaxSockAddr = sizeof(SOCKADDR_IRDA);
    info.iMinSockAddr = sizeof(SOCKADDR_IRDA);
    info.iSocketType = SOCK_STREAM;
    info.iProtocol = IRDA_PROTO_SOCK_STREAM;
    info.iNetworkByteOrder = BIGENDIAN;
    info.iSecurityScheme = SECURITY_PROTOCOL_NONE;
    lstrcpynW(info.szProtocol, L"MSAFD Irda [IrDA] (ce-winsock)", WSAPROTOCOL_LEN + 1);
    if (install(&id, dll_path, &info, 1, &err) == SOCKET_ERROR)
        return err ? err : WSASYSCALLFAILURE;
    return 0;
}
