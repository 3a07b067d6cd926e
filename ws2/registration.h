/*
 * registration.h - the store of CE 5.0-style provider registrations.
 *
 * Compiled into both ws2.dll (which only reads) and ws2inst.exe (which reads
 * and writes).  Pure Win32 registry code: advapi32 only, no Winsock calls,
 * safe to use before WSAStartup.
 *
 * Layout, in each root of regroot.h (see cews2.h for the roots, the lookup
 * order and the meaning of the values):
 *
 *   <root>\Comm\WS2\LSP\<name>          Dll (REG_SZ), Order (REG_DWORD), Entry (REG_SZ)
 *   <root>\Comm\WS2\LSP.journal\<name>  the next set, while a writer replaces the set
 *   <root>\Comm\WS2  LspSequence        REG_DWORD commit counter (absent = 0)
 *
 * Each root (per-user, machine-wide, and the old root ws2inst migrates from)
 * is a store of its own, with its own journal and counter; what follows
 * holds for each.  ws2.dll runs the per-user and the machine set together
 * (registration_read_effective).
 *
 * Atomicity.  A writer replaces the whole set so that a process killed at
 * any instant leaves either the complete old set or the complete new set in
 * effect, never a mixture:
 *
 *   1. take the store's writers' named mutex (writers are serialised; an
 *      abandoned mutex, left by a killed writer, counts as taken);
 *   2. recover from any earlier interrupted writer (see below);
 *   3. write the complete new set into LSP.journal (any number of steps);
 *   4. commit: LspSequence += 1, making it odd.  One RegSetValueEx of one
 *      DWORD: atomic.  From here on the journal is the effective set;
 *   5. apply: make LSP equal to the journal (delete the keys the journal
 *      lacks, replace the others by copies of the journal's).  Idempotent,
 *      so it can be redone from the start after an interruption.  A journal
 *      marked REGISTRATION_RETIRE_OLD_ROOT then also moves the old root's
 *      settings into this root and deletes the old root (oldroot.h; also
 *      idempotent), so that a migration becomes effective at the commit;
 *   6. LspSequence += 1, even again: LSP is the effective set;
 *   7. delete LSP.journal.
 *
 * So: LspSequence odd means "a committed journal is the effective set";
 * even means "LSP is the effective set, and any journal is garbage from a
 * writer that never committed".  Recovery (done by every writer first, and
 * by registration_recover) rolls an odd state forward by redoing 5-7, and
 * rolls an even state back by deleting a leftover journal.
 *
 * Readers never write and never wait for writers: LspSequence is a sequence
 * lock.  A reader reads the counter, reads the set it designates (the
 * journal if odd, LSP if even), then reads the counter again and retries if
 * it changed.  LSP is only modified while the counter is odd and the journal
 * only while it is even, so an unchanged counter proves the set read was not
 * being modified meanwhile.  A reader that finds a stale odd counter (a writer
 * killed in step 5 or 6) simply reads the journal: ws2.dll sees the new set
 * even before anyone rolls it forward.
 *
 * Registrations whose values are malformed (wrong type, absurd length, bad
 * characters) are returned with problem != REGISTRATION_OK rather than
 * dropped or trusted: ws2.dll skips them with a diagnostic, the installer
 * reports them, and a writer carries them over unchanged (see
 * registration_write_all).
 *
 * Every registry modification goes through regtree.h, which counts it for
 * the CEWS2_INSTALL_CRASH_AT test hook described there.
 */
#ifndef CEWS2_REGISTRATION_H
#define CEWS2_REGISTRATION_H

#include <cews2.h>      /* the layout and the defaults; declarations only */
#include <stddef.h>

#include "regroot.h"
#include "regtree.h"

/* REGISTRATION_*_MAX, enum registration_problem and the value parser
 * shared with the native fuzz target. */
#include "registration_value.h"

/* Keys and values of a store, relative to its Comm\WS2 key (CEWS2_WS2_SUBKEY). */
#define REGISTRATION_SET_KEY        L"LSP"
#define REGISTRATION_JOURNAL_KEY    L"LSP.journal"
#define REGISTRATION_SEQUENCE_VALUE L"LspSequence"
/* On LSP.journal: the commit of this set also retires the old root. */
#define REGISTRATION_RETIRE_VALUE   L"RetiresOldRoot"

/* The writers' mutex of the machine root and of the old root (one mutex, the
 * name older builds used, so that an older ws2inst writing the old root is
 * serialised with a migration); the per-user root's is this name followed by
 * ".User." and the user's SID. */
#define REGISTRATION_WRITER_MUTEX  L"Global\\CeWs2RegistrationWriter"

struct registration {
    WCHAR name[REGISTRATION_NAME_MAX + 1];   /* the key name under Comm\WS2\LSP */
    WCHAR dll[REGISTRATION_DLL_MAX + 1];     /* the Dll value */
    DWORD order;                             /* Order; CEWS2_DEFAULT_ORDER when absent */
    char entry[REGISTRATION_ENTRY_MAX + 1];  /* Entry; CEWS2_DEFAULT_ENTRY when absent */
    /* REGISTRATION_OK, or the first problem found.  For a malformed
     * registration the fields hold what could be read (possibly truncated
     * or empty), for display only. */
    enum registration_problem problem;
    DWORD read_error;       /* for REGISTRATION_UNREADABLE: the Win32 error */
    /* The root it was read from.  A writer starts each registration's key
     * from the key of that name in this root (see registration_write_all),
     * so whoever builds a registration sets it: to the root being written,
     * for a new one. */
    enum regroot_scope source;
};

/*
 * Reads the effective set of one root's registrations, sorted by Order,
 * then by name (ordinal, case-insensitive).  Never modifies the registry
 * and never waits for a writer.  A missing Comm\WS2\LSP key is an empty
 * set.  On success returns 0 and *list (free with registration_free; NULL
 * when *count is 0); otherwise a Win32 error and *list = NULL, *count = 0.
 */
int registration_read_all(enum regroot_scope scope, struct registration **list, size_t *count);

/*
 * The set ws2.dll runs, in the lookup order of cews2.h: every per-user
 * registration, and every machine registration that no per-user one of the
 * same name (case-insensitively) replaces, sorted as registration_read_all
 * sorts.  A root that cannot be read counts as empty, and its Win32 error
 * is stored in *user_error or *machine_error (0 otherwise).  Returns 0, or
 * ERROR_NOT_ENOUGH_MEMORY with *list = NULL, *count = 0.
 */
int registration_read_effective(struct registration **list, size_t *count,
                                DWORD *user_error, DWORD *machine_error);

/* Flags of registration_write_all. */
#define REGISTRATION_RETIRE_OLD_ROOT  0x1   /* machine root only: the commit also
                                             * moves the old root's settings here
                                             * and deletes the old root (oldroot.h) */

/*
 * Atomically replaces the whole set of scope's root with list[0..count-1]
 * (see the top of this file).  Names must be unique (case-insensitively).
 *
 * Each entry's key starts as a copy of the key of its name in the root
 * entry->source (if there is one), so values and subkeys that ws2inst does
 * not own (a provider's own settings) survive a reinstall and a migration.
 * An entry with problem == REGISTRATION_OK then gets its fields written:
 * Dll always, Order only if not CEWS2_DEFAULT_ORDER, Entry only if not
 * CEWS2_DEFAULT_ENTRY (absent values mean exactly those defaults).
 *
 * An entry with problem != REGISTRATION_OK must name a registration that
 * exists now in its source root; its key is carried over unchanged, byte
 * for byte.  That lets a caller read the set, change one registration and
 * write the set back without destroying registrations it could not parse.
 *
 * Returns 0, ERROR_INVALID_PARAMETER (a bad or duplicate entry, or flags
 * that do not fit scope; nothing written), ERROR_TIMEOUT (another writer
 * held the lock too long), or the Win32 error of a failed registry
 * operation (the effective set is then the old one or the new one; the
 * next writer or registration_recover completes or discards the
 * interrupted write).
 */
int registration_write_all(enum regroot_scope scope, const struct registration *list, size_t count,
                           DWORD flags);

/*
 * The writers' lock of scope's root (a named mutex; recursive within a
 * thread; the machine root and the old root share one).  A
 * read-modify-write caller (the installer) holds it around its
 * registration_read_all and registration_write_all, so that no other writer
 * changes the set in between; registration_write_all takes it too.  Returns
 * 0 or a Win32 error (ERROR_TIMEOUT after 30 s); a lock abandoned by a
 * killed writer is simply taken.
 */
int registration_lock(enum regroot_scope scope, HANDLE *lock);
void registration_unlock(HANDLE lock);

/*
 * Completes or discards a write that a killed writer left behind in scope's
 * root, so that its Comm\WS2\LSP alone holds the effective set again.  Needs
 * write access only when there is something to do; returns 0 or a Win32
 * error (ERROR_ACCESS_DENIED for a reader without it, which can still use
 * registration_read_all).
 */
int registration_recover(enum regroot_scope scope);

void registration_free(struct registration *list);

/* Checks the fields of one registration as a writer would; returns
 * REGISTRATION_OK or the first problem.  Does not look at the problem field. */
enum registration_problem registration_validate(const struct registration *registration);

/* One line of English text for a problem, without a trailing period. */
const WCHAR *registration_problem_text(enum registration_problem problem);

/* The registration named name (case-insensitive), or NULL. */
struct registration *registration_find(struct registration *list, size_t count,
                                       const WCHAR *name);

#endif /* CEWS2_REGISTRATION_H */
