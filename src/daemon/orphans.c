#include "daemon/orphans.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int orphans_adopt(void)
{
        return prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? -errno : 0;
}

/* The parent of pid from /proc/PID/stat (the field after the state, which
 * follows the last ')' of the command name); -1 if it is gone. */
static pid_t parent_of(pid_t pid)
{
        char path[64], buf[512];
        FILE *f;
        size_t n;
        char *rparen;
        int ppid;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        if (!(f = fopen(path, "re")))
                return -1;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        rparen = strrchr(buf, ')');
        if (!rparen || sscanf(rparen + 1, " %*c %d", &ppid) != 1)
                return -1;
        return ppid;
}

/* Call fn on every child of this process other than keep; returns how many
 * calls returned true. */
static unsigned for_each_child(pid_t keep, bool (*fn)(pid_t pid, int arg), int arg)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        pid_t self = getpid();
        unsigned n = 0;

        if (!d)
                return 0;
        while ((e = readdir(d))) {
                pid_t pid = (pid_t)atoi(e->d_name);
                if (pid > 0 && pid != keep && parent_of(pid) == self && fn(pid, arg))
                        n++;
        }
        closedir(d);
        return n;
}

/* Scripts run in sessions of their own: the group is the script's pid. */
static bool signal_group(pid_t pid, int sig)
{
        if (kill(-pid, sig) < 0)
                kill(pid, sig);
        return true;
}

unsigned orphans_signal(pid_t keep, int sig)
{
        return for_each_child(keep, signal_group, sig);
}

static bool reap_one(pid_t pid, int arg)
{
        (void)arg;
        return waitpid(pid, NULL, WNOHANG) == pid;
}

unsigned orphans_reap(pid_t keep)
{
        return for_each_child(keep, reap_one, 0);
}
