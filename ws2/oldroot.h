/*
 * oldroot.h - the old root: what older ce-winsock builds kept directly under
 * HKEY_LOCAL_MACHINE (Comm\WS2 with the registrations, Trace and CeLsp;
 * Comm\IrDA), and moving it below the machine root.
 *
 * ws2.dll does not read the old root (it only reports that it is there:
 * regroot_old_data_present).  ws2inst moves it: the registrations through
 * the registration store (read from REGROOT_OLD, written to REGROOT_MACHINE
 * with REGISTRATION_RETIRE_OLD_ROOT), so that they take effect at that
 * write's commit, and everything else by oldroot_retire, which the commit's
 * apply step runs (registration.h).
 */
#ifndef CEWS2_OLDROOT_H
#define CEWS2_OLDROOT_H

#include <windows.h>
#include <stddef.h>

/*
 * Moves the old root's settings below the machine root, then deletes the
 * old root's keys (regroot_old_keys), and their parent Comm if nothing
 * else is left in it.  A setting the machine root already has is kept
 * there, and the old one dropped.  The old registration store (LSP,
 * LSP.journal, LspSequence) is not moved, only deleted: its registrations
 * move through the journal.  Idempotent (an interrupted run is completed
 * by running it again); every modification counted (regtree.h).  The
 * caller holds the machine root's writers' lock.  Returns 0 or a Win32
 * error.
 */
LONG oldroot_retire(void);

/*
 * What oldroot_retire would do with the old root's settings, for a message:
 * into moved, "Comm\WS2 Trace, Comm\IrDA\Air Port" (the values it would
 * move); into kept, the values it would drop because the machine root has
 * its own.  Empty strings when there are none; cut with "..." to fit.
 */
void oldroot_describe_settings(WCHAR *moved, size_t moved_capacity, WCHAR *kept, size_t kept_capacity);

#endif /* CEWS2_OLDROOT_H */
