/*
 * provider_loader.h - how a provider reaches another provider through the
 * catalog, written once: the catalog as the ws2.dll that loaded us has it
 * (WSCEnumProtocols), and a provider DLL loaded by its provider id's path
 * (WSCGetProviderPath) and started (WSPStartup).
 *
 * celsp starts the provider below each of its chains with it
 * (provider/lsp/lower.c); irdaprov starts the host provider its medium's
 * TCP sockets come from (irda/provider/airsock.c).  ws2.dll starts
 * providers itself (ws2/provider.c), under its crash guard and trace.
 */
#ifndef PROVIDER_LOADER_H
#define PROVIDER_LOADER_H

#include <cews2.h>
#include <windows.h>

/* The whole catalog, every entry layered ones included; free() the result.
 * NULL with *err set when it cannot be read. */
WSAPROTOCOL_INFOW *loader_catalog_read(int *count, int *err);

/* A number that changes whenever the catalog loader_catalog_read would
 * return changes (ws2.dll's CeWs2CatalogVersion); FALSE when the ws2.dll
 * that loaded us cannot say, and whatever was read must be read again. */
BOOL loader_catalog_version(LONG *version);

/* Loads the DLL registered for provider_id and calls its WSPStartup with
 * info and upcalls, filling *module and *procs; 0, or the error:
 * WSCGetProviderPath's, WSAEPROVIDERFAILEDINIT (no path reader, or the
 * DLL does not load), WSAEINVALIDPROVIDER (no WSPStartup), WSPStartup's. */
int loader_start(const GUID *provider_id, WSAPROTOCOL_INFOW *info, WSPUPCALLTABLE upcalls,
                 HMODULE *module, WSPPROC_TABLE *procs);
/* WSPCleanup, then the DLL unloaded. */
void loader_stop(HMODULE module, WSPPROC_TABLE *procs);

#endif
