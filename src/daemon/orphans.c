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

static bool kept(pid_t pid, const pid_t *keep, size_t nkeep)
{
        for (size_t i = 0; i < nkeep; i++)
                if (keep[i] == pid)
                        return true;
        return false;
}

/* Call fn on every child of this process other than those in keep;
 * returns how many calls returned true. */
static unsigned for_each_child(const pid_t *keep, size_t nkeep, bool (*fn)(pid_t pid, int arg), int arg)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        pid_t self = getpid();
        unsigned n = 0;

        if (!d)
                return 0;
        while ((e = readdir(d))) {
                pid_t pid = (pid_t)atoi(e->d_name);
                if (pid > 0 && !kept(pid, keep, nkeep) && parent_of(pid) == self && fn(pid, arg))
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

unsigned orphans_signal(const pid_t *keep, size_t nkeep, int sig)
{
        return for_each_child(keep, nkeep, signal_group, sig);
}

static bool reap_one(pid_t pid, int arg)
{
        (void)arg;
        return waitpid(pid, NULL, WNOHANG) == pid;
}

unsigned orphans_reap(const pid_t *keep, size_t nkeep)
{
        return for_each_child(keep, nkeep, reap_one, 0);
}
