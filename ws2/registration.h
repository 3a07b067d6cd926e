/*
 * registration.h - the store of CE 5.0-style provider registrations.
 *
 * Compiled into both ws2.dll (which only reads) and ws2inst.exe (which reads
 * and writes).  Pure Win32 registry code: advapi32 only, no Winsock calls,
 * safe to use before WSAStartup.
 *
 * Layout (see cews2.h for the meaning of the values):
 *
 *   HKLM\Comm\WS2\LSP\<name>          Dll (REG_SZ), Order (REG_DWORD), Entry (REG_SZ)
 *   HKLM\Comm\WS2\LSP.journal\<name>  the next set, while a writer replaces the set
 *   HKLM\Comm\WS2  LspSequence        REG_DWORD commit counter (absent = 0)
 *
 * Atomicity.  A writer replaces the whole set so that a process killed at
 * any instant leaves either the complete old set or the complete new set in
 * effect, never a mixture:
 *
 *   1. take the writers' named mutex (writers are serialised; an abandoned
 *      mutex, left by a killed writer, counts as taken);
 *   2. recover from any earlier interrupted writer (see below);
 *   3. write the complete new set into LSP.journal (any number of steps);
 *   4. commit: LspSequence += 1, making it odd.  One RegSetValueEx of one
 *      DWORD: atomic.  From here on the journal is the effective set;
 *   5. apply: make LSP equal to the journal (delete the keys the journal
 *      lacks, replace the others by copies of the journal's).  Idempotent,
 *      so it can be redone from the start after an interruption;
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
 * Test hook: if the environment variable CEWS2_INSTALL_CRASH_AT is a
 * positive decimal number N, the writer terminates its own process (with
 * TerminateProcess, so no clean-up runs, as if killed) immediately after its
 * N-th registry modification, with exit code CEWS2_INSTALL_CRASH_EXIT_CODE.
 * Every key creation, value write, value deletion and key deletion counts as
 * one modification, counted from the start of the process (so recovery work
 * counts too).  A test can try N = 1, 2, ... until the process no longer
 * exits with that code: then every interruption point has been exercised.
 */
#ifndef CEWS2_REGISTRATION_H
#define CEWS2_REGISTRATION_H

#include <cews2.h>      /* CEWS2_LSP_KEY and the defaults; declarations only */
#include <stddef.h>

/* REGISTRATION_*_MAX, enum registration_problem and the value parser
 * shared with the native fuzz target. */
#include "registration_value.h"

#define REGISTRATION_ROOT_KEY      L"Comm\\WS2"             /* under HKLM */
#define REGISTRATION_JOURNAL_KEY   L"Comm\\WS2\\LSP.journal"
#define REGISTRATION_SEQUENCE_VALUE L"LspSequence"
#define REGISTRATION_WRITER_MUTEX  L"Global\\CeWs2RegistrationWriter"

#define CEWS2_INSTALL_CRASH_ENV        L"CEWS2_INSTALL_CRASH_AT"
#define CEWS2_INSTALL_CRASH_EXIT_CODE  0xCE

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
};

/*
 * Reads the effective set of registrations, sorted by Order, then by name
 * (ordinal, case-insensitive).  Never modifies the registry and never waits
 * for a writer.  A missing Comm\WS2\LSP key is an empty set.  On success
 * returns 0 and *list (free with registration_free; NULL when *count is 0);
 * otherwise a Win32 error and *list = NULL, *count = 0.
 */
int registration_read_all(struct registration **list, size_t *count);

/*
 * Atomically replaces the whole set with list[0..count-1] (see the top of
 * this file).  Names must be unique (case-insensitively).
 *
 * An entry with problem == REGISTRATION_OK is written from its fields:
 * Dll always, Order only if not CEWS2_DEFAULT_ORDER, Entry only if not
 * CEWS2_DEFAULT_ENTRY (absent values mean exactly those defaults).  Other
 * values and subkeys that the registration's key already had are kept, so a
 * provider's own settings survive a reinstall.
 *
 * An entry with problem != REGISTRATION_OK must name a registration that
 * exists now; its key is carried over unchanged, byte for byte.  That lets a
 * caller read the set, change one registration and write the set back
 * without destroying registrations it could not parse.
 *
 * Returns 0, ERROR_INVALID_PARAMETER (a bad or duplicate entry; nothing
 * written), ERROR_TIMEOUT (another writer held the lock too long), or the
 * Win32 error of a failed registry operation (the effective set is then
 * the old one or the new one; the next writer or registration_recover
 * completes or discards the interrupted write).
 */
int registration_write_all(const struct registration *list, size_t count);

/*
 * The writers' lock (a named mutex; recursive within a thread).  A
 * read-modify-write caller (the installer) holds it around its
 * registration_read_all and registration_write_all, so that no other writer
 * changes the set in between; registration_write_all takes it too.  Returns
 * 0 or a Win32 error (ERROR_TIMEOUT after 30 s); a lock abandoned by a
 * killed writer is simply taken.
 */
int registration_lock(HANDLE *lock);
void registration_unlock(HANDLE lock);

/*
 * Completes or discards a write that a killed writer left behind, so that
 * Comm\WS2\LSP alone holds the effective set again.  Needs write access;
 * returns 0 or a Win32 error (ERROR_ACCESS_DENIED for a reader without it,
 * which can still use registration_read_all).
 */
int registration_recover(void);

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
