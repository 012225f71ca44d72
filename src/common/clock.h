/* Time in microseconds: monotonic (the `now` every pure core takes) and wall clock. */
#pragma once

#include <stdint.h>
#include <time.h>

static inline int64_t mono_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wall-clock time in microseconds since the epoch: for status and logs
 * only, never for protocol timing (it can jump). */
static inline int64_t wall_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
