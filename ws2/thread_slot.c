/*
 * thread_slot.c - per-thread values in Win32 TLS slots (thread_slot.h says
 * why not __thread).
 *
 * Each slot takes its TLS index at first use, through its INIT_ONCE, and
 * is then pushed on one list of this DLL's slots, newest first; DllMain
 * walks that list at DLL_THREAD_DETACH (the exiting thread's blocks) and
 * at an unload (every thread's blocks, and the indexes).  A block is a
 * header linking it into its slot's list, then the caller's bytes.
 */
#include "thread_slot.h"

struct thread_slot_block_header {
    struct thread_slot_block_header *prev, *next;
    /* two pointers: the bytes after keep HeapAlloc's alignment on both
     * x86_64 (16) and i686 (8) */
};

static struct thread_slot *allocated_slots;

/* The slot's TLS index plus one, or 0 while it has none. */
static DWORD published_index(struct thread_slot *slot)
{
    return __atomic_load_n(&slot->index_plus_one, __ATOMIC_ACQUIRE);
}

static BOOL CALLBACK slot_allocate(PINIT_ONCE once, PVOID param, PVOID *context)
{
    struct thread_slot *slot = param;
    DWORD index = TlsAlloc();
    struct thread_slot *head;

    (void)once; (void)context;
    if (index == TLS_OUT_OF_INDEXES)
        return FALSE;       /* the INIT_ONCE stays undone: a later use tries again */
    /* the index first: a slot on the list always has one */
    __atomic_store_n(&slot->index_plus_one, index + 1, __ATOMIC_RELEASE);
    do {
        head = __atomic_load_n(&allocated_slots, __ATOMIC_ACQUIRE);
        slot->next_allocated = head;
    } while (InterlockedCompareExchangePointer((PVOID *)&allocated_slots, slot, head) != head);
    return TRUE;
}

/* The slot's TLS index plus one, taken now if it has none; 0 when none can be had. */
static DWORD slot_index(struct thread_slot *slot)
{
    DWORD i = published_index(slot);
    if (!i && InitOnceExecuteOnce(&slot->once, slot_allocate, slot, NULL))
        i = published_index(slot);
    return i;
}

void *thread_slot_get(struct thread_slot *slot)
{
    DWORD i = published_index(slot), last_error;
    void *value;

    if (!i)
        return NULL;
    last_error = GetLastError();        /* TlsGetValue sets ERROR_SUCCESS */
    value = TlsGetValue(i - 1);
    SetLastError(last_error);
    return value;
}

BOOL thread_slot_set(struct thread_slot *slot, void *value)
{
    DWORD last_error = GetLastError(), i = slot_index(slot);
    BOOL ok = i && TlsSetValue(i - 1, value);

    SetLastError(last_error);
    return ok;
}

void *thread_slot_block_if_made(struct thread_slot *slot)
{
    struct thread_slot_block_header *h = thread_slot_get(slot);
    return h ? h + 1 : NULL;
}

void *thread_slot_block(struct thread_slot *slot)
{
    struct thread_slot_block_header *h = thread_slot_get(slot);
    DWORD last_error, i;

    if (h)
        return h + 1;
    last_error = GetLastError();
    i = slot_index(slot);
    if (i && (h = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*h) + slot->block_size))) {
        AcquireSRWLockExclusive(&slot->blocks_lock);
        h->next = slot->blocks;
        if (h->next)
            h->next->prev = h;
        slot->blocks = h;
        ReleaseSRWLockExclusive(&slot->blocks_lock);
        TlsSetValue(i - 1, h);          /* cannot fail: the index is ours */
    }
    SetLastError(last_error);
    return h ? h + 1 : NULL;
}

static void block_delete(struct thread_slot *slot, struct thread_slot_block_header *h)
{
    if (slot->release)
        slot->release(h + 1);
    HeapFree(GetProcessHeap(), 0, h);
}

/* Runs under the loader lock (DllMain): only TlsGetValue/TlsSetValue, the
 * slot's own lock (never held around a call out) and the heap. */
void thread_slots_thread_exit(void)
{
    DWORD last_error = GetLastError();
    struct thread_slot *slot;

    for (slot = __atomic_load_n(&allocated_slots, __ATOMIC_ACQUIRE); slot; slot = slot->next_allocated) {
        DWORD index = published_index(slot) - 1;
        struct thread_slot_block_header *h;
        if (!slot->block_size || !(h = TlsGetValue(index)))
            continue;
        TlsSetValue(index, NULL);
        AcquireSRWLockExclusive(&slot->blocks_lock);
        if (h->prev)
            h->prev->next = h->next;
        else
            slot->blocks = h->next;
        if (h->next)
            h->next->prev = h->prev;
        ReleaseSRWLockExclusive(&slot->blocks_lock);
        block_delete(slot, h);
    }
    SetLastError(last_error);
}

/* FreeLibrary: no thread can be inside this DLL any more (the caller's
 * contract), so the lists are walked without their locks. */
void thread_slots_unload(void)
{
    struct thread_slot *slot = InterlockedExchangePointer((PVOID *)&allocated_slots, NULL);

    while (slot) {
        struct thread_slot *next = slot->next_allocated;
        struct thread_slot_block_header *h = slot->blocks;
        slot->blocks = NULL;
        while (h) {
            struct thread_slot_block_header *after = h->next;
            block_delete(slot, h);
            h = after;
        }
        TlsFree(published_index(slot) - 1);
        slot = next;
    }
}
