/*
 * catalog.c - the catalog entries we were started for.
 *
 * WSPStartup receives the full WSAPROTOCOL_INFOW of the entry it starts.
 * We keep copies for two jobs: WSPDuplicateSocket and
 * getsockopt(SO_PROTOCOL_INFO) must answer with the entry's description
 * (not the host's), and WSPAccept falls back to matching the listener's
 * family/type/protocol here when the listener is somehow missing from the
 * socket map.
 */
#include "hostprov.h"

#include <string.h>

/* Our four entries, plus room for layered providers that start us with
 * their own entries. */
#define MAX_ENTRIES 32

static WSAPROTOCOL_INFOW entries[MAX_ENTRIES];
static unsigned entry_count;
static SRWLOCK entries_lock = SRWLOCK_INIT;

void catalog_remember(const WSAPROTOCOL_INFOW *entry)
{
    unsigned i;

    AcquireSRWLockExclusive(&entries_lock);
    for (i = 0; i < entry_count; i++)
        if (entries[i].dwCatalogEntryId == entry->dwCatalogEntryId)
            break;
    if (i < MAX_ENTRIES) {
        entries[i] = *entry;
        if (i == entry_count)
            entry_count++;
    }
    ReleaseSRWLockExclusive(&entries_lock);
}

BOOL catalog_find(DWORD catalog_id, WSAPROTOCOL_INFOW *entry)
{
    BOOL found = FALSE;
    unsigned i;

    AcquireSRWLockShared(&entries_lock);
    for (i = 0; i < entry_count && !found; i++) {
        if (entries[i].dwCatalogEntryId == catalog_id) {
            *entry = entries[i];
            found = TRUE;
        }
    }
    ReleaseSRWLockShared(&entries_lock);
    return found;
}

BOOL catalog_match(int family, int type, int protocol, DWORD *catalog_id)
{
    BOOL found = FALSE;
    unsigned i;

    AcquireSRWLockShared(&entries_lock);
    for (i = 0; i < entry_count && !found; i++) {
        const WSAPROTOCOL_INFOW *entry = &entries[i];
        if (entry->iAddressFamily == family && entry->iSocketType == type &&
            entry->iProtocol == protocol) {
            *catalog_id = entry->dwCatalogEntryId;
            found = TRUE;
        }
    }
    ReleaseSRWLockShared(&entries_lock);
    return found;
}

void catalog_forget_all(void)
{
    AcquireSRWLockExclusive(&entries_lock);
    memset(entries, 0, sizeof(entries));
    entry_count = 0;
    ReleaseSRWLockExclusive(&entries_lock);
}

void catalog_describe(DWORD catalog_id, const WSAPROTOCOL_INFOW *host_info,
                      WSAPROTOCOL_INFOW *entry)
{
    static const GUID provider_id = CEWS2_HOST_PROVIDER_GUID;

    if (catalog_find(catalog_id, entry))
        return;

    /* An entry we were never started with (a layered provider's, say):
     * the host's description, re-badged as ours. */
    *entry = *host_info;
    entry->dwServiceFlags1 |= XP1_IFS_HANDLES;
    entry->dwServiceFlags2 = 0;
    entry->dwServiceFlags3 = 0;
    entry->dwServiceFlags4 = 0;
    entry->ProviderId = provider_id;
    entry->dwCatalogEntryId = catalog_id;
    memset(&entry->ProtocolChain, 0, sizeof(entry->ProtocolChain));
    entry->ProtocolChain.ChainLen = BASE_PROTOCOL;
    entry->dwProviderReserved = 0;
}
