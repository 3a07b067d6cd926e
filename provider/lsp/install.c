/*
 * install.c - celsp's registration entry: layer over every TCP and UDP
 * base protocol and every AF_IRDA stream protocol already in the catalog
 * (is_layered_target).
 *
 * As Winsock defines chains: one hidden layered entry (ChainLen 0) names
 * celsp itself; each protocol chain (ChainLen 2) is { our layer, the base
 * entry } and describes the same protocol as that base.  ws2.dll places
 * each chain ahead of its base, so socket() reaches celsp first.  The
 * registration's Order must put celsp after the base providers it layers.
 */
#include "celsp.h"
#include "../common/provider_loader.h"
#include <wchar.h>
#include <af_irda.h>

typedef int (WSPAPI *install_provider_fn)(LPGUID, const WCHAR *, const LPWSAPROTOCOL_INFOW,
                                          DWORD, LPINT);
typedef int (WSPAPI *deinstall_provider_fn)(LPGUID, LPINT);

/* TCP and UDP over IPv4 and IPv6, and IrDA streams: what CE applications close. */
static BOOL is_layered_target(const WSAPROTOCOL_INFOW *p)
{
    if (p->ProtocolChain.ChainLen != BASE_PROTOCOL)
        return FALSE;
    if (p->iAddressFamily == AF_IRDA)
        return p->iSocketType == SOCK_STREAM;
    return (p->iAddressFamily == AF_INET || p->iAddressFamily == AF_INET6) &&
           ((p->iSocketType == SOCK_STREAM && p->iProtocol == IPPROTO_TCP) ||
            (p->iSocketType == SOCK_DGRAM && p->iProtocol == IPPROTO_UDP));
}

INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    HMODULE ws2 = GetModuleHandleW(L"ws2.dll");
    install_provider_fn install =
        (install_provider_fn)(void *)GetProcAddress(ws2, "WSCInstallProvider");
    GUID layer_guid = CEWS2_CE_LSP_LAYER_GUID, chain_guid = CEWS2_CE_LSP_CHAIN_GUID;
    WSAPROTOCOL_INFOW *all = NULL, layer, *chains = NULL;
    DWORD layer_id = 0;
    int count = 0, err = 0, i, n = 0;

    if (!install)
        return WSASYSCALLFAILURE;
    all = loader_catalog_read(&count, &err);
    if (!all)
        goto done;
    chains = calloc(count ? count : 1, sizeof(*chains));
    if (!chains) {
        err = WSA_NOT_ENOUGH_MEMORY;
        goto done;
    }
    for (i = 0; i < count && !n; i++)
        if (is_layered_target(&all[i]))
            layer = all[i], n = 1;
    if (!n) {
        err = WSAEPROVIDERFAILEDINIT;       /* nothing to layer over */
        goto done;
    }
    /* the layered entry first: the chains must name its catalog id */
    layer.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    layer.dwProviderFlags = 0;
    lstrcpynW(layer.szProtocol, L"CE 5.0 layered provider (ce-winsock)", WSAPROTOCOL_LEN + 1);
    if (install(&layer_guid, dll_path, &layer, 1, &err) == SOCKET_ERROR)
        goto done;
    free(all);
    all = loader_catalog_read(&count, &err);
    if (!all)
        goto done;
    for (i = 0; i < count; i++)
        if (!memcmp(&all[i].ProviderId, &layer_guid, sizeof(GUID)))
            layer_id = all[i].dwCatalogEntryId;
    /* then one chain over each base protocol */
    for (n = 0, i = 0; i < count; i++) {
        WSAPROTOCOL_INFOW *c;
        if (!is_layered_target(&all[i]))
            continue;
        c = &chains[n++];
        *c = all[i];
        c->ProtocolChain.ChainLen = 2;
        c->ProtocolChain.ChainEntries[0] = layer_id;
        c->ProtocolChain.ChainEntries[1] = all[i].dwCatalogEntryId;
        _snwprintf(c->szProtocol, WSAPROTOCOL_LEN, L"CE 5.0 over %ls", all[i].szProtocol);
        c->szProtocol[WSAPROTOCOL_LEN] = 0;
    }
    if (install(&chain_guid, dll_path, chains, (DWORD)n, &err) == SOCKET_ERROR) {
        /* a layer without chains would only confuse verify: take it back */
        deinstall_provider_fn deinstall =
            (deinstall_provider_fn)(void *)GetProcAddress(ws2, "WSCDeinstallProvider");
        int ignored;
        if (deinstall)
            deinstall(&layer_guid, &ignored);
        goto done;
    }
    err = 0;
done:
    free(chains);
    free(all);
    return err;
}
