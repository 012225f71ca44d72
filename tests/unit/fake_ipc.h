#pragma once

#include "worker/ipc.h"

/* Every message sent on the fake channel, oldest first. */
extern json_t *fake_ipc_sent;
/* The supervisor sends msg (borrowed; NULL: it went away). */
void fake_ipc_deliver(json_t *msg);
void fake_ipc_reset(void);
