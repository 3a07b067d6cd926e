/*
 * thread_slot.h - one per-thread value of ws2.dll, kept in a Win32 TLS slot.
 *
 * Why not GCC's __thread: mingw-w64 implements it with emulated TLS
 * (libgcc's emutls), whose per-thread block is freed by a TLS callback
 * that runs BEFORE this DLL's DllMain sees DLL_THREAD_DETACH, and whose
 * TLS value is left pointing at the freed block.  A __thread variable read
 * at thread detach (the thread's hostent, its WSATHREADID) then reads freed
 * memory and may reallocate it under the loader lock: short-lived threads
 * hung the process in the heap lock.  A Win32 TLS slot has no destructor
 * of its own, so ws2's DllMain decides when and in what order a thread's
 * values are let go (thread_slots_thread_exit).
 *
 * Two kinds, both defined statically and allocated (TlsAlloc) on first use
 * through an INIT_ONCE:
 *   THREAD_SLOT_VALUE            a pointer-sized value owning nothing; a
 *                                thread that never set it reads NULL (0)
 *   THREAD_SLOT_BLOCK(size, rel) a zeroed heap block of size bytes, made
 *                                at the thread's first thread_slot_block;
 *                                at thread exit rel (if not NULL) runs on
 *                                it, then it is freed.  A block stays at
 *                                the same address for the thread's life:
 *                                what the API returns by pointer from it is
 *                                valid until the same thread's next call.
 *
 * No function here changes the thread's last error when it succeeds
 * (TlsGetValue alone would clear it; Winsock callers read it afterwards).
 */
#ifndef THREAD_SLOT_H
#define THREAD_SLOT_H

#include <windows.h>
#include <stddef.h>

struct thread_slot_block_header;

struct thread_slot {
    size_t block_size;                  /* 0: a value slot */
    void (*release)(void *block);       /* block slots: run before the block is freed */
    /* the slot's own state */
    INIT_ONCE once;
    DWORD index_plus_one;               /* 0 until TlsAlloc succeeded (published) */
    struct thread_slot *next_allocated; /* every allocated slot, for the exit walks */
    SRWLOCK blocks_lock;
    struct thread_slot_block_header *blocks;   /* every thread's block */
};

#define THREAD_SLOT_VALUE { 0, NULL, INIT_ONCE_STATIC_INIT, 0, NULL, SRWLOCK_INIT, NULL }
#define THREAD_SLOT_BLOCK(size, release) \
    { (size), (release), INIT_ONCE_STATIC_INIT, 0, NULL, SRWLOCK_INIT, NULL }

/* Value slots: the calling thread's value (NULL when never set). */
void *thread_slot_get(struct thread_slot *slot);
/* FALSE only when no TLS index could be had (the process ran out). */
BOOL thread_slot_set(struct thread_slot *slot, void *value);

/* Block slots: the calling thread's block, made zeroed on first use;
 * NULL when there is no memory or no TLS index for it. */
void *thread_slot_block(struct thread_slot *slot);
/* The calling thread's block if it has one, else NULL (never makes one). */
void *thread_slot_block_if_made(struct thread_slot *slot);

/* DllMain, DLL_THREAD_DETACH: every block of the exiting thread released
 * and freed (slots in the reverse order of their first use). */
void thread_slots_thread_exit(void);
/* DllMain, DLL_PROCESS_DETACH by FreeLibrary: every thread's blocks
 * released and freed, and the TLS indexes given back.  Not for process
 * exit: other threads were stopped wherever they were. */
void thread_slots_unload(void);

#endif /* THREAD_SLOT_H */
