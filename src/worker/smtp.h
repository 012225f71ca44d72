/* smtp_alert: an e-mail per transition to notification_email through
 * smtp_server, sent by libcurl's multi interface on the worker's loop
 * (worker/curl_uv.h) so that a slow or dead mail server never delays an
 * advert. */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "conf/model.h"
#include "worker/notify_line.h"

/* About o (its kind titles the mail: "VRRP Instance VI_1"); state "MASTER",
 * "BACKUP", "FAULT", "STOP". */
void smtp_alert_send(uv_loop_t *loop, const struct conf *c, const struct notify_object *o, const char *state);
/* A mail whose subject and text the caller words (the checker's, in
 * keepalived's words: check/alert_text.h); the subject is prefixed with
 * "[router_id] " as every alert's. */
void smtp_alert_send_text(uv_loop_t *loop, const struct conf *c, const char *subject, const char *body);
/* Mails still being delivered. */
unsigned smtp_alert_pending(void);
/* Load and set up libcurl (on the loop thread); smtp_alert_send() calls it
 * before the first mail. False if libcurl cannot be loaded. */
bool smtp_alert_global_init(void);
