#include "check/alert_text.h"

#include <stdio.h>

/* keepalived names the checker in the text for some types only */
static const char *check_word(enum conf_checker_type t)
{
        switch (t) {
        case CHECK_TCP: return "TCP CHECK";
        case CHECK_UDP: return "UDP CHECK";
        case CHECK_MISC: return "MISC CHECK";
        case CHECK_FILE: return "FILE CHECK";
        case CHECK_HTTP:
        case CHECK_SSL:
        case CHECK_SMTP:
        case CHECK_DNS:
        case CHECK_PING: return "CHECK";
        }
        return "CHECK";
}

void check_alert_rs(struct check_alert *a, const char *rs, const char *vs, enum conf_checker_type by, bool up)
{
        snprintf(a->subject, sizeof(a->subject), "Realserver %s of virtual server %s - %s", rs, vs, up ? "UP" : "DOWN");
        snprintf(a->body, sizeof(a->body), "=> %s %s on service <=", check_word(by), up ? "succeed" : "failed");
}

void check_alert_quorum(struct check_alert *a, const char *vs, bool up, unsigned quorum, unsigned hysteresis,
                        long long threshold, long long weight_sum)
{
        snprintf(a->subject, sizeof(a->subject), "Virtualserver %s - %s", vs, up ? "UP" : "DOWN");
        snprintf(a->body, sizeof(a->body), "=> %s %u+%u=%lld <= %lld <=", up ? "Gained quorum" : "Lost quorum", quorum,
                 hysteresis, threshold, weight_sum);
}

void check_alert_shutdown(struct check_alert *a, const char *rs, const char *vs)
{
        if (rs)
                snprintf(a->subject, sizeof(a->subject), "Realserver %s of virtual server %s - DOWN", rs, vs);
        else
                snprintf(a->subject, sizeof(a->subject), "Virtualserver %s - DOWN", vs);
        snprintf(a->body, sizeof(a->body), "=> Shutting down <=");
}
