/*
 * serialcable.c - socat's pty pair as a COM cable the tests can pull
 * (serialcable.h).
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "serialcable.h"

/* Runs a Unix shell command line; Wine gives no handle back, so no wait. */
static int unix_sh(const char *line)
{
    char cmd[1024];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    snprintf(cmd, sizeof(cmd), "/bin/sh -c \"%s\"", line);
    if (!CreateProcessA("/bin/sh", cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return -1;
    if (pi.hThread) CloseHandle(pi.hThread);
    if (pi.hProcess) CloseHandle(pi.hProcess);
    return 0;
}

int tu_cable_init(struct tu_cable *c, unsigned base)
{
    char prefix[MAX_PATH], dos[MAX_PATH];
    unsigned long pid = (unsigned long)GetCurrentProcessId();
    DWORD pl = GetEnvironmentVariableA("WINEPREFIX", prefix, sizeof(prefix));
    FILE *f;

    memset(c, 0, sizeof(*c));
    if (GetFileAttributesA("Z:\\usr\\bin\\socat") == INVALID_FILE_ATTRIBUTES || !pl || pl >= sizeof(prefix))
        return 77;
    c->a = base + (unsigned)(pid % 50) * 2;
    c->b = c->a + 1;
    snprintf(c->script, sizeof(c->script), "/tmp/cews2-cable-%lu-%u.sh", pid, c->a);
    snprintf(dos, sizeof(dos), "Z:%s", c->script);
    for (char *p = dos; *p; p++)
        if (*p == '/') *p = '\\';
    f = fopen(dos, "wb");
    if (!f)
        return -1;
    fprintf(f,
            "#!/bin/sh\n"
            "# a test's serial cable: plug | unplug | done (COM%u <-> COM%u)\n"
            "P='%s'; PIDF=%s.pid\n"
            "case $1 in\n"
            "plug) rm -f \"$P/dosdevices/com%u\" \"$P/dosdevices/com%u\"\n"
            "  /usr/bin/socat pty,raw,echo=0,link=\"$P/dosdevices/com%u\" pty,raw,echo=0,link=\"$P/dosdevices/com%u\" "
            "</dev/null >/dev/null 2>&1 &\n"
            "  echo $! > $PIDF ;;\n"
            "unplug) [ -f $PIDF ] && kill $(cat $PIDF); rm -f $PIDF ;;\n"
            "done) [ -f $PIDF ] && kill $(cat $PIDF); rm -f $PIDF \"$0\" ;;\n"
            "esac\n",
            c->a, c->b, prefix, c->script, c->a, c->b, c->a, c->b);
    fclose(f);
    return 0;
}

static int run_script(const struct tu_cable *c, const char *what)
{
    char line[512];
    snprintf(line, sizeof(line), "/bin/sh %s %s", c->script, what);
    return unix_sh(line);
}

int tu_cable_plug(const struct tu_cable *c) { return run_script(c, "plug"); }
int tu_cable_unplug(const struct tu_cable *c) { return run_script(c, "unplug"); }

void tu_cable_done(struct tu_cable *c)
{
    if (c->script[0])
        run_script(c, "done");
    c->script[0] = 0;
}
