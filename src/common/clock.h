/* Monotonic time in microseconds: the `now` every pure core takes. */
#pragma once

#include <stdint.h>
#include <time.h>

static inline int64_t mono_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
