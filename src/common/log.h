/* Logging: syslog by default, stderr with -l. One call per event, at the
 * place that acts; pure cores never log. */
#pragma once

#include <stdbool.h>
#include <syslog.h>

void log_open(const char *ident, bool console, bool also_syslog);
/* Before log_open: LOG_DAEMON (default), LOG_LOCAL0..7, LOG_USER. */
void log_set_facility(int facility);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_set_debug(bool on);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
