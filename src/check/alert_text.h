/* The checker's smtp_alert mails in keepalived's words (its smtp.c and
 * ipwrapper.c), so that mail filters written for keepalived keep
 * matching: the subject (worker/smtp.c prefixes "[router_id] ") and the
 * one line of text. Pure: unit-tested. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"

#define CHECK_ALERT_SUBJECT_MAX 384
#define CHECK_ALERT_BODY_MAX 128

struct check_alert {
        char subject[CHECK_ALERT_SUBJECT_MAX];
        char body[CHECK_ALERT_BODY_MAX];
};

/* A real server up or down, by the checker whose change moved it:
 * "Realserver [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN",
 * "=> TCP CHECK failed on service <=". */
void check_alert_rs(struct check_alert *a, const char *rs, const char *vs, enum conf_checker_type by, bool up);

/* A virtual server's quorum gained or lost: "Virtualserver [10.0.0.1]:tcp:80 - UP",
 * "=> Gained quorum 1+0=1 <= 2 <=" (keepalived's arithmetic, its "+"
 * and "<=" in both directions included). */
void check_alert_quorum(struct check_alert *a, const char *vs, bool up, unsigned quorum, unsigned hysteresis,
                        long long threshold, long long weight_sum);

/* Stopping with omega: "Realserver RS of virtual server VS - DOWN" (rs
 * set) or "Virtualserver VS - DOWN", "=> Shutting down <=". */
void check_alert_shutdown(struct check_alert *a, const char *rs, const char *vs);
