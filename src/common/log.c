#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static bool to_console;
static bool to_syslog = true;
static bool debug_on;
static int facility = LOG_DAEMON;

void log_set_facility(int f)
{
        facility = f;
}

void log_open(const char *ident, bool console, bool also_syslog)
{
        to_console = console;
        to_syslog = !console || also_syslog;
        if (to_syslog)
                openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void log_set_debug(bool on)
{
        debug_on = on;
}

void log_msg(int prio, const char *fmt, ...)
{
        va_list ap;

        if (prio == LOG_DEBUG && !debug_on)
                return;
        if (to_console) {
                struct timeval tv;
                struct tm tm;
                char stamp[32];

                gettimeofday(&tv, NULL);
                localtime_r(&tv.tv_sec, &tm);
                strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S", &tm);
                fprintf(stderr, "%s.%06ld: ", stamp, (long)tv.tv_usec);
                va_start(ap, fmt);
                vfprintf(stderr, fmt, ap);
                va_end(ap);
                fputc('\n', stderr);
        }
        if (to_syslog) {
                va_start(ap, fmt);
                vsyslog(prio, fmt, ap);
                va_end(ap);
        }
}
