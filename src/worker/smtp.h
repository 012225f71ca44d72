/* smtp_alert: an e-mail per transition to notification_email through
 * smtp_server, sent by libcurl on libuv's thread pool so that a slow or dead
 * mail server never delays an advert. */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "conf/model.h"

/* kind "Instance" or "Group"; state "MASTER", "BACKUP", "FAULT", "STOP". */
void smtp_alert_send(uv_loop_t *loop, const struct conf *c, const char *kind, const char *name, const char *state);
/* Load and set up libcurl (on the loop thread); smtp_alert_send() calls it
 * before the first mail. False if libcurl cannot be loaded. */
bool smtp_alert_global_init(void);
