/*
 * serialcable.h - a serial "cable" for the tests: socat's pty pair as
 * COMa <-> COMb in the test's own Wine prefix ($WINEPREFIX/dosdevices).
 *
 * Plugging starts socat (through Wine's launch of Unix programs, from a
 * small script the test writes under /tmp); unplugging kills it, which
 * hangs both ptys up: the ports' handles stay open but every call on them
 * fails, as when a USB adapter is pulled; plugging again makes new ptys
 * under the same names.  Wine's server, the controlling process of a pty it
 * opened, gets SIGHUP on the hang-up and dumps its object table to its
 * stderr: noise, not a failure.
 */
#ifndef SERIALCABLE_H
#define SERIALCABLE_H

struct tu_cable {
    unsigned a, b;              /* COM numbers */
    char script[260];           /* Unix path of the control script */
};

/* Picks two free-looking COM numbers from base (per process) and writes the
 * script.  0, or 77 when socat or WINEPREFIX is missing (skip the test). */
int tu_cable_init(struct tu_cable *c, unsigned base);
/* Starts socat (returns at once; poll the ports until they open). */
int tu_cable_plug(const struct tu_cable *c);
/* Kills socat: both ports go dead. */
int tu_cable_unplug(const struct tu_cable *c);
/* Unplugs and removes the script. */
void tu_cable_done(struct tu_cable *c);

#endif
