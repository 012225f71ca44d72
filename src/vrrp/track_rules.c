#include "vrrp/track_rules.h"

#include <stdio.h>
#include <string.h>

void track_rf_init(struct track_rf *rf, unsigned rise, unsigned fall, bool init_fail)
{
        rf->rise = rise ? rise : 1;
        rf->fall = fall ? fall : 1;
        /* rise-1: the first run decides either way; init_fail: start at the bottom */
        rf->result = init_fail ? 0 : rf->rise - 1;
        rf->ok = false;
        rf->decided = init_fail;
}

bool track_rf_update(struct track_rf *rf, bool success)
{
        bool was_ok = rf->ok, was_decided = rf->decided;

        if (success) {
                if (rf->result + 1 < rf->rise) {
                        rf->result++;
                } else {
                        if (rf->result < rf->rise) /* the rise-th success in a row */
                                rf->ok = rf->decided = true;
                        rf->result = rf->rise + rf->fall - 1;
                }
        } else {
                if (rf->result > rf->rise) {
                        rf->result--;
                } else {
                        /* the fall-th failure in a row, or the very first result */
                        if (rf->result >= rf->rise || !rf->decided) {
                                rf->ok = false;
                                rf->decided = true;
                        }
                        rf->result = 0;
                }
        }
        return rf->ok != was_ok || rf->decided != was_decided;
}

/* keepalived multiplies the weight by -1 for reverse; only weight 0, which
 * has no sign, reads "up" as "down" instead. */
struct track_effect track_effect_bool(bool up, int weight, bool reverse)
{
        struct track_effect e = { false, 0 };

        if (weight == 0)
                e.fault = reverse ? up : !up;
        else if ((weight > 0 && up) || (weight < 0 && !up))
                e.delta = reverse ? -weight : weight;
        return e;
}

struct track_effect track_effect_file(long value, int weight, bool reverse)
{
        struct track_effect e = { false, 0 };
        long v;

        if (weight == 0) {
                e.fault = value != 0;
                return e;
        }
        v = value * (long)weight * (reverse ? -1 : 1);
        if (v <= -254)
                e.fault = true;
        else
                e.delta = v > 253 ? 253 : (int)v;
        return e;
}

uint8_t track_effective_priority(unsigned base, long delta_sum)
{
        long p;

        if (base >= 255)
                return 255;
        p = (long)base + delta_sum;
        return (uint8_t)(p < 1 ? 1 : p > 254 ? 254 : p);
}

const char *track_script_ending(int exit_status, int term_signal, char *buf, size_t size)
{
        if (term_signal)
                snprintf(buf, size, "exited due to signal %d", term_signal);
        else
                snprintf(buf, size, "exited with status %d", exit_status);
        return buf;
}

/* ---- track_process ---------------------------------------------------------------------- */

/* keepalived matches the command line, argv[0] included, as soon as
 * parameters or param_match are given, not only with full_command. */
static bool by_cmdline(const struct conf_track_process *p)
{
        return p->full_command || p->nparams || p->param_match >= 0;
}

bool track_proc_uses_cmdline(const struct conf_track_process *p)
{
        return by_cmdline(p) || strlen(p->process) > TRACK_COMM_LEN;
}

/* A cmdline may be cut short by the reader: its last argument may lack
 * the NUL, so every argument is bounded by end. */
static size_t arg_len(const char *a, const char *end)
{
        const char *z = memchr(a, 0, (size_t)(end - a));

        return (size_t)((z ? z : end) - a);
}

static bool arg_is(const char *a, size_t alen, const char *want)
{
        return alen == strlen(want) && !memcmp(a, want, alen);
}

/* comm holds 15 characters: a longer name is told apart by argv[0]. */
static bool name_matches(const char *name, const char *comm, const char *cmd, size_t cmdlen)
{
        size_t n = strlen(name), a0;
        const char *base;

        if (n <= TRACK_COMM_LEN)
                return !strcmp(comm, name);
        if (strlen(comm) != TRACK_COMM_LEN || strncmp(comm, name, TRACK_COMM_LEN) || !cmdlen)
                return false;
        a0 = arg_len(cmd, cmd + cmdlen);
        base = cmd;
        for (const char *c = cmd; c < cmd + a0; c++)
                if (*c == '/')
                        base = c + 1;
        return arg_is(base, a0 - (size_t)(base - cmd), name);
}

static bool params_match(const struct conf_track_process *p, const char *args, const char *end)
{
        for (unsigned i = 0; i < p->nparams; i++) {
                if (args >= end)
                        return false;
                size_t alen = arg_len(args, end), plen = strlen(p->params[i]);
                bool last = i + 1 == p->nparams;
                if ((p->param_match == 1 && last) ? (alen < plen || memcmp(args, p->params[i], plen))
                                                  : !arg_is(args, alen, p->params[i]))
                        return false;
                args += alen + 1;
        }
        /* exact (given or implied by parameters): no argument more */
        return p->param_match > 0 || args >= end;
}

bool track_proc_matches(const struct conf_track_process *p, const char *comm, const char *cmd, size_t cmdlen)
{
        const char *end = cmd + cmdlen;
        size_t a0;

        if (!by_cmdline(p))
                return name_matches(p->process, comm, cmd, cmdlen);
        if (!cmdlen)
                return false;   /* a kernel thread, or gone */
        a0 = arg_len(cmd, end);
        if (!arg_is(cmd, a0, p->process))
                return false;
        if (!p->nparams && p->param_match < 0)
                return true;    /* full_command alone: argv[0] only */
        return params_match(p, cmd + a0 + 1, end);
}

bool track_proc_quorum(const struct conf_track_process *p, unsigned count)
{
        return count >= p->quorum && count <= p->quorum_max;
}

struct track_proc_step track_proc_step(const struct conf_track_process *p, bool known, bool up, bool pending,
                                       unsigned old_count, unsigned new_count)
{
        struct track_proc_step s = { TRACK_PROC_NONE, track_proc_quorum(p, new_count), false, 0 };

        s.fork = new_count > old_count;
        s.delay = s.fork ? p->fork_delay : p->terminate_delay;
        if (!known || (s.up != up && s.delay <= 0)) {
                s.act = TRACK_PROC_REPORT;      /* the first count is the state at once */
                return s;
        }
        if (s.up == up) {
                s.act = pending ? TRACK_PROC_CANCEL : TRACK_PROC_NONE;
                return s;
        }
        /* a delay already running keeps its deadline: it started the change */
        s.act = pending ? TRACK_PROC_NONE : TRACK_PROC_ARM;
        return s;
}
