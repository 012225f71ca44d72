/* vrrp_track_process with keepalived's semantics: the keywords as the
 * parser reads them (quorum, quorum_max, delay, fork_delay, terminate_delay,
 * param_match, full_command, weight), which processes count
 * (track_proc_matches, on hand-made comm and cmdline), the quorum, and the
 * debounce (track_proc_step, driven by a simulated clock and timer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "memfs.h"
#include "vrrp/track_rules.h"

#define SEC 1000000LL

/* ---- parsing ------------------------------------------------------------------------------ */

static struct diag_list diags;

/* The one vrrp_track_process of a config made of `body`. */
static struct conf *parse_tp(const char *body)
{
        char text[2048];

        snprintf(text, sizeof(text), "vrrp_track_process tp {\n%s\n}\n", body);
        diag_list_init(&diags);
        return parse_text(text, &diags);
}

static const struct conf_track_process *tp_of(const struct conf *c)
{
        assert_non_null(c->track_processes.first);
        return c->track_processes.first;
}

static bool diag_says(const char *what)
{
        for (size_t i = 0; i < diags.count; i++)
                if (strstr(diags.items[i].msg, what))
                        return true;
        return false;
}

static void done(struct conf *c)
{
        conf_free(c);
        diag_list_free(&diags);
}

static void test_defaults(void **state)
{
        struct conf *c = parse_tp(" process nginx");
        const struct conf_track_process *p = tp_of(c);

        (void)state;
        assert_int_equal(diags.count, 0);
        assert_string_equal(p->process, "nginx");
        assert_int_equal(p->nparams, 0);
        assert_int_equal(p->param_match, -1);
        assert_int_equal(p->quorum, 1);
        assert_true(p->quorum_max == CONF_QUORUM_UNLIMITED);
        assert_int_equal(p->weight, 0);
        assert_false(p->weight_reverse);
        assert_int_equal(p->fork_delay, 0);
        assert_int_equal(p->terminate_delay, 0);
        assert_false(p->full_command);
        done(c);
}

static void test_quorum_and_quorum_max(void **state)
{
        struct conf *c;

        (void)state;
        c = parse_tp(" process x\n quorum 2\n quorum_max 5");
        assert_int_equal(diags.count, 0);
        assert_int_equal(tp_of(c)->quorum, 2);
        assert_int_equal(tp_of(c)->quorum_max, 5);
        done(c);
        /* quorum_max 0: none may run, so the default quorum of 1 gives way */
        c = parse_tp(" process x\n quorum_max 0");
        assert_int_equal(diags.count, 0);
        assert_int_equal(tp_of(c)->quorum, 0);
        assert_int_equal(tp_of(c)->quorum_max, 0);
        done(c);
        c = parse_tp(" process x\n quorum 1\n quorum_max 0");
        assert_int_equal(diags.count, 0);
        assert_int_equal(tp_of(c)->quorum, 0);
        done(c);
        /* a value that does not fit the other is ignored where it stands */
        c = parse_tp(" process x\n quorum 3\n quorum_max 2");
        assert_true(diag_says("quorum_max 2 is less than quorum 3"));
        assert_int_equal(tp_of(c)->quorum, 3);
        assert_true(tp_of(c)->quorum_max == CONF_QUORUM_UNLIMITED);
        done(c);
        c = parse_tp(" process x\n quorum_max 2\n quorum 3");
        assert_true(diag_says("quorum 3 is greater than quorum_max 2"));
        assert_int_equal(tp_of(c)->quorum, 1);
        assert_int_equal(tp_of(c)->quorum_max, 2);
        done(c);
        c = parse_tp(" process x\n quorum_max 0\n quorum 1");
        assert_true(diag_says("greater than quorum_max 0"));
        assert_int_equal(tp_of(c)->quorum, 0);
        done(c);
        c = parse_tp(" process x\n quorum_max 0\n quorum_max 4");
        assert_int_equal(tp_of(c)->quorum, 1);
        assert_int_equal(tp_of(c)->quorum_max, 4);
        done(c);
        c = parse_tp(" process x\n quorum 0");
        assert_int_equal(diag_count(&diags, DIAG_ERROR), 1);
        assert_int_equal(tp_of(c)->quorum, 1);
        done(c);
        c = parse_tp(" process x\n quorum_max 65536");
        assert_int_equal(diag_count(&diags, DIAG_ERROR), 1);
        done(c);
}

static void test_delays(void **state)
{
        struct conf *c;

        (void)state;
        c = parse_tp(" process x\n delay 2.5");
        assert_int_equal(diags.count, 0);
        assert_int_equal(tp_of(c)->fork_delay, 2500000);
        assert_int_equal(tp_of(c)->terminate_delay, 2500000);
        done(c);
        /* where it stands: a later fork_delay wins, a later delay overrides */
        c = parse_tp(" process x\n delay 2\n fork_delay 1");
        assert_int_equal(tp_of(c)->fork_delay, SEC);
        assert_int_equal(tp_of(c)->terminate_delay, 2 * SEC);
        done(c);
        c = parse_tp(" process x\n terminate_delay 0.25\n delay 3");
        assert_int_equal(tp_of(c)->terminate_delay, 3 * SEC);
        done(c);
        /* 0.000001..3600: 0 is refused, as by keepalived */
        c = parse_tp(" process x\n delay 0\n fork_delay 0\n terminate_delay 3601");
        assert_int_equal(diag_count(&diags, DIAG_ERROR), 3);
        assert_int_equal(tp_of(c)->fork_delay, 0);
        assert_int_equal(tp_of(c)->terminate_delay, 0);
        done(c);
        c = parse_tp(" process x\n fork_delay 0.000001");
        assert_int_equal(tp_of(c)->fork_delay, 1);
        done(c);
}

static void test_process_params_and_param_match(void **state)
{
        struct conf *c;

        (void)state;
        c = parse_tp(" process \"/tmp/a b\" p1 \"p 2\"");
        assert_string_equal(tp_of(c)->process, "/tmp/a b");
        assert_int_equal(tp_of(c)->nparams, 2);
        assert_string_equal(tp_of(c)->params[1], "p 2");
        assert_int_equal(diags.count, 0);       /* parameters: the path is matched, no warning */
        done(c);
        c = parse_tp(" process x\n param_match");
        assert_int_equal(tp_of(c)->param_match, 0);
        assert_int_equal(diags.count, 0);
        done(c);
        c = parse_tp(" process x\n param_match initial");
        assert_int_equal(tp_of(c)->param_match, 1);
        done(c);
        c = parse_tp(" process x\n param_match partial");
        assert_int_equal(tp_of(c)->param_match, 2);
        done(c);
        c = parse_tp(" process x\n param_match initial\n param_match");
        assert_int_equal(tp_of(c)->param_match, 0);
        done(c);
        c = parse_tp(" process x\n param_match exact");
        assert_int_equal(tp_of(c)->param_match, 0);
        assert_int_equal(diag_count(&diags, DIAG_WARNING), 1);
        done(c);
        c = parse_tp(" process x\n param_match foo");
        assert_int_equal(diag_count(&diags, DIAG_ERROR), 1);
        assert_int_equal(tp_of(c)->param_match, -1);
        done(c);
}

static void test_full_command_and_path_warning(void **state)
{
        struct conf *c;

        (void)state;
        c = parse_tp(" process /usr/sbin/nginx");
        assert_true(diag_says("add full_command"));
        assert_int_equal(diag_count(&diags, DIAG_ERROR), 0);
        done(c);
        c = parse_tp(" process /usr/sbin/nginx\n full_command");
        assert_true(tp_of(c)->full_command);
        assert_int_equal(diags.count, 0);
        done(c);
}

static void test_weight(void **state)
{
        struct conf *c;

        (void)state;
        c = parse_tp(" process x\n weight -20 reverse");
        assert_int_equal(tp_of(c)->weight, -20);
        assert_true(tp_of(c)->weight_reverse);
        done(c);
        c = parse_tp(" process x\n weight 255");
        assert_int_equal(diag_count(&diags, DIAG_ERROR), 1);
        assert_int_equal(tp_of(c)->weight, 0);
        done(c);
}

/* ---- matching ------------------------------------------------------------------------------ */

static struct conf_track_process mk(const char *process, const char **params, unsigned n, int pm, bool full)
{
        struct conf_track_process p = { 0 };

        p.process = process;
        p.params = params;
        p.nparams = n;
        p.param_match = pm;
        p.full_command = full;
        p.quorum = 1;
        p.quorum_max = CONF_QUORUM_UNLIMITED;
        return p;
}

/* A cmdline from words, NUL-separated and NUL-terminated like /proc's. */
static size_t cmdline(char *buf, size_t size, const char *const *argv)
{
        size_t len = 0;

        for (; *argv; argv++) {
                size_t n = strlen(*argv) + 1;
                assert_true(len + n <= size);
                memcpy(buf + len, *argv, n);
                len += n;
        }
        return len;
}

static bool matches(const struct conf_track_process *p, const char *comm, const char *const *argv)
{
        char buf[512];
        size_t len = argv ? cmdline(buf, sizeof(buf), argv) : 0;

        return track_proc_matches(p, comm, buf, len);
}

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_match_by_name(void **state)
{
        struct conf_track_process p = mk("nginx", NULL, 0, -1, false);

        (void)state;
        assert_false(track_proc_uses_cmdline(&p));
        assert_true(matches(&p, "nginx", NULL));
        assert_true(matches(&p, "nginx", ARGV("nginx: worker process")));  /* argv does not matter */
        assert_false(matches(&p, "nginx2", NULL));
        assert_false(matches(&p, "ngin", NULL));                /* exact, not pgrep's regex */
        assert_false(matches(&p, "", NULL));
        p = mk("/usr/sbin/nginx", NULL, 0, -1, false);
        assert_false(matches(&p, "nginx", ARGV("/usr/sbin/nginx")));  /* the name has no '/' */
}

static void test_match_long_name(void **state)
{
        /* 15 characters fit comm; 16 and more need argv[0]'s last component */
        struct conf_track_process p15 = mk("abcdefghijklmno", NULL, 0, -1, false);
        struct conf_track_process p = mk("abcdefghijklmnopqr", NULL, 0, -1, false);

        (void)state;
        assert_false(track_proc_uses_cmdline(&p15));
        assert_true(matches(&p15, "abcdefghijklmno", NULL));
        assert_true(track_proc_uses_cmdline(&p));
        assert_true(matches(&p, "abcdefghijklmno", ARGV("/opt/bin/abcdefghijklmnopqr", "-x")));
        assert_true(matches(&p, "abcdefghijklmno", ARGV("abcdefghijklmnopqr")));
        assert_false(matches(&p, "abcdefghijklmno", ARGV("/opt/bin/abcdefghijklmnopqrs")));
        assert_false(matches(&p, "abcdefghijklmno", ARGV("/opt/bin/abcdefghijklmnop")));
        assert_false(matches(&p, "abcdefghijklmno", NULL));     /* no cmdline: cannot tell */
        assert_false(matches(&p, "abcdefghijklmnX", ARGV("/opt/bin/abcdefghijklmnopqr")));
        assert_false(matches(&p, "abcdefghijklmn", ARGV("/opt/bin/abcdefghijklmnopqr")));
}

static void test_match_full_command(void **state)
{
        struct conf_track_process p = mk("/usr/sbin/nginx", NULL, 0, -1, true);

        (void)state;
        assert_true(track_proc_uses_cmdline(&p));
        assert_true(matches(&p, "nginx", ARGV("/usr/sbin/nginx")));
        assert_true(matches(&p, "nginx", ARGV("/usr/sbin/nginx", "-g", "daemon off;"))); /* argv[0] only */
        assert_false(matches(&p, "nginx", ARGV("nginx")));
        assert_false(matches(&p, "nginx", ARGV("/usr/sbin/nginx2")));
        assert_false(matches(&p, "nginx", ARGV("/usr/sbin/ngin")));
        assert_false(matches(&p, "nginx", NULL));               /* a kernel thread */
        p = mk("/tmp/a b", NULL, 0, -1, true);                  /* one quoted element */
        assert_true(matches(&p, "a b", ARGV("/tmp/a b")));
        assert_false(matches(&p, "a", ARGV("/tmp/a", "b")));
}

static void test_params_imply_command_line(void **state)
{
        /* keepalived compares argv[0] with the process once parameters or
         * param_match are given */
        const char *args[] = { "300" };
        struct conf_track_process p = mk("sleep", args, 1, -1, false);

        (void)state;
        assert_true(track_proc_uses_cmdline(&p));
        assert_true(matches(&p, "sleep", ARGV("sleep", "300")));
        assert_false(matches(&p, "sleep", ARGV("/bin/sleep", "300")));
        assert_false(matches(&p, "sleep", NULL));
        p = mk("/bin/sleep", args, 1, -1, false);
        assert_true(matches(&p, "sleep", ARGV("/bin/sleep", "300")));
}

static void test_param_match_exact(void **state)
{
        const char *args[] = { "-c", "a.conf" };
        struct conf_track_process p = mk("srv", args, 2, -1, false);   /* parameters: exact */
        struct conf_track_process bare = mk("srv", NULL, 0, 0, false); /* bare param_match: none */

        (void)state;
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c", "a.conf", "-v")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c", "a.conf2")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c", "a.con")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c a.conf")));
        assert_false(matches(&p, "srv", ARGV("srv")));
        p.param_match = 0;
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c", "a.conf", "-v")));
        assert_true(track_proc_uses_cmdline(&bare));
        assert_true(matches(&bare, "srv", ARGV("srv")));
        assert_false(matches(&bare, "srv", ARGV("srv", "-v")));
        assert_false(matches(&bare, "srv", ARGV("srv", "")));   /* an empty argument is one */
}

static void test_param_match_partial(void **state)
{
        const char *args[] = { "-c", "a.conf" };
        struct conf_track_process p = mk("srv", args, 2, 2, false);

        (void)state;
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf")));
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf", "-v", "x")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c", "a.conf2")));  /* the n-th exactly */
        assert_false(matches(&p, "srv", ARGV("srv", "-c")));
        assert_false(matches(&p, "srv", ARGV("srv", "-x", "a.conf")));
        p = mk("srv", NULL, 0, 2, false);
        assert_true(matches(&p, "srv", ARGV("srv", "anything")));
}

static void test_param_match_initial(void **state)
{
        const char *args[] = { "-c", "a.conf" };
        struct conf_track_process p = mk("srv", args, 2, 1, false);

        (void)state;
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf")));
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf2")));   /* the last may be longer */
        assert_true(matches(&p, "srv", ARGV("srv", "-c", "a.conf.d", "-v")));
        assert_false(matches(&p, "srv", ARGV("srv", "-cx", "a.conf")));  /* only the last */
        assert_false(matches(&p, "srv", ARGV("srv", "-c", "a.con")));
        assert_false(matches(&p, "srv", ARGV("srv", "-c")));
        assert_false(matches(&p, "srv", ARGV("other", "-c", "a.conf")));
}

static void test_cmdline_cut_short(void **state)
{
        /* a reader's buffer may end inside the last argument, without its NUL */
        const char *args[] = { "abc" };
        struct conf_track_process p = mk("srv", args, 1, -1, false);
        char buf[] = { 's', 'r', 'v', 0, 'a', 'b', 'c' };

        (void)state;
        assert_true(track_proc_matches(&p, "srv", buf, sizeof(buf)));
        assert_false(track_proc_matches(&p, "srv", buf, sizeof(buf) - 1));
        assert_false(track_proc_matches(&p, "srv", buf, 3));
}

/* ---- quorum -------------------------------------------------------------------------------- */

static void test_quorum(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        assert_false(track_proc_quorum(&p, 0));
        assert_true(track_proc_quorum(&p, 1));
        assert_true(track_proc_quorum(&p, 1000));
        p.quorum = 2;
        p.quorum_max = 3;
        for (unsigned n = 0; n < 6; n++)
                assert_int_equal(track_proc_quorum(&p, n), n >= 2 && n <= 3);
        p.quorum = 0;
        p.quorum_max = 0;                       /* none may run */
        assert_true(track_proc_quorum(&p, 0));
        assert_false(track_proc_quorum(&p, 1));
        p.quorum = 1;
        p.quorum_max = 1;
        assert_false(track_proc_quorum(&p, 2));
}

/* ---- the debounce, on a simulated clock ------------------------------------------------------ */

/* The caller's side: the state reported, one timer, and a log of what was
 * reported ("+" up, "-" down, with the time in µs). */
struct sim {
        const struct conf_track_process *p;
        bool known, up, pending;
        int64_t deadline;
        unsigned count;
        char log[512];
};

static void sim_report(struct sim *s, bool up, int64_t now)
{
        char e[32];

        if (s->known && s->up == up)
                return;
        s->known = true;
        s->up = up;
        snprintf(e, sizeof(e), "%s%lld ", up ? "+" : "-", (long long)now);
        strcat(s->log, e);
}

/* Time passes to `now`: a timer due by then fires first. */
static void sim_advance(struct sim *s, int64_t now)
{
        if (s->pending && s->deadline <= now) {
                s->pending = false;
                sim_report(s, track_proc_quorum(s->p, s->count), s->deadline);
        }
}

static void sim_count(struct sim *s, int64_t now, unsigned count)
{
        struct track_proc_step st;

        sim_advance(s, now);
        st = track_proc_step(s->p, s->known, s->up, s->pending, s->count, count);
        s->count = count;
        switch (st.act) {
        case TRACK_PROC_REPORT:
                s->pending = false;
                sim_report(s, st.up, now);
                break;
        case TRACK_PROC_ARM:
                s->pending = true;
                s->deadline = now + st.delay;
                break;
        case TRACK_PROC_CANCEL:
                s->pending = false;
                break;
        case TRACK_PROC_NONE:
                break;
        }
}

/* Run "time:count ..." (time in ms) and return the reports. */
static const char *run(const struct conf_track_process *p, const char *events)
{
        static struct sim s;
        long long t = 0;
        unsigned n;
        int used;

        memset(&s, 0, sizeof(s));
        s.p = p;
        while (sscanf(events, " %lld:%u%n", &t, &n, &used) == 2) {
                sim_count(&s, t * 1000, n);
                events += used;
        }
        sim_advance(&s, INT64_MAX);
        if (s.log[0])
                s.log[strlen(s.log) - 1] = 0;
        return s.log;
}

static void test_no_delay_reports_at_once(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        assert_string_equal(run(&p, "0:1 10:0 20:1"), "+0 -10000 +20000");
        assert_string_equal(run(&p, "0:0 10:2 20:1 30:0"), "-0 +10000 -30000");
}

static void test_first_count_is_reported_at_once(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        p.fork_delay = p.terminate_delay = 5 * SEC;
        assert_string_equal(run(&p, "0:1"), "+0");
        assert_string_equal(run(&p, "0:0"), "-0");
}

static void test_terminate_delay(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        p.terminate_delay = 3 * SEC;
        /* back within 3 s: nothing; gone for longer: down 3 s after it went */
        assert_string_equal(run(&p, "0:1 1000:0 2000:1"), "+0");
        assert_string_equal(run(&p, "0:1 1000:0 3999:1"), "+0");
        assert_string_equal(run(&p, "0:1 1000:0 4000:1"), "+0 -4000000 +4000000");
        assert_string_equal(run(&p, "0:1 1000:0"), "+0 -4000000");
        /* a second exit while waiting does not restart the wait */
        p.quorum = 2;
        assert_string_equal(run(&p, "0:2 1000:1 2000:0"), "+0 -4000000");
        /* a flap, then a real outage: the wait starts again from the outage */
        p.quorum = 1;
        assert_string_equal(run(&p, "0:1 1000:0 2000:1 5000:0"), "+0 -8000000");
        /* coming up is not delayed by terminate_delay */
        assert_string_equal(run(&p, "0:0 1000:1"), "-0 +1000000");
}

static void test_fork_delay(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        p.fork_delay = 2 * SEC;
        assert_string_equal(run(&p, "0:0 1000:1 1500:0"), "-0");
        assert_string_equal(run(&p, "0:0 1000:1"), "-0 +3000000");
        assert_string_equal(run(&p, "0:0 1000:1 2000:2"), "-0 +3000000");
        /* an exit is not delayed by fork_delay */
        assert_string_equal(run(&p, "0:1 1000:0"), "+0 -1000000");
}

static void test_fork_delay_guards_quorum_max(void **state)
{
        /* quorum_max 1 and a fork (a child that has not exec'd yet): the
         * extra process is delayed by fork_delay and its exit cancels it */
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        p.quorum_max = 1;
        assert_string_equal(run(&p, "0:1 1000:2 1001:1"), "+0 -1000000 +1001000");
        p.fork_delay = SEC / 2;
        assert_string_equal(run(&p, "0:1 1000:2 1001:1"), "+0");
        assert_string_equal(run(&p, "0:1 1000:2"), "+0 -1500000");
        /* back under quorum_max after an exit: terminate_delay (none) applies */
        assert_string_equal(run(&p, "0:1 1000:2 2000:1"), "+0 -1500000 +2000000");
}

static void test_delay_both_ways(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);

        (void)state;
        p.fork_delay = p.terminate_delay = SEC;
        assert_string_equal(run(&p, "0:1 100:0 200:1 300:0 400:1"), "+0");
        assert_string_equal(run(&p, "0:1 100:0 1200:1 1300:0"), "+0 -1100000");
        assert_string_equal(run(&p, "0:1 100:0 1200:1 3000:1"), "+0 -1100000 +2200000");
        /* none may run (quorum_max 0): a process appearing is a fork */
        p.quorum = p.quorum_max = 0;
        assert_string_equal(run(&p, "0:0 100:1 200:0"), "+0");
        assert_string_equal(run(&p, "0:0 100:1"), "+0 -1100000");
}

static void test_step_fields(void **state)
{
        struct conf_track_process p = mk("x", NULL, 0, -1, false);
        struct track_proc_step s;

        (void)state;
        p.fork_delay = 7;
        p.terminate_delay = 9;
        s = track_proc_step(&p, true, false, false, 0, 1);
        assert_int_equal(s.act, TRACK_PROC_ARM);
        assert_true(s.up && s.fork);
        assert_int_equal(s.delay, 7);
        s = track_proc_step(&p, true, true, false, 1, 0);
        assert_int_equal(s.act, TRACK_PROC_ARM);
        assert_false(s.up || s.fork);
        assert_int_equal(s.delay, 9);
        s = track_proc_step(&p, true, true, true, 0, 1);
        assert_int_equal(s.act, TRACK_PROC_CANCEL);
        s = track_proc_step(&p, true, true, false, 1, 2);
        assert_int_equal(s.act, TRACK_PROC_NONE);
        s = track_proc_step(&p, false, false, false, 0, 0);
        assert_int_equal(s.act, TRACK_PROC_REPORT);
        assert_false(s.up);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_quorum_and_quorum_max),
                cmocka_unit_test(test_delays),
                cmocka_unit_test(test_process_params_and_param_match),
                cmocka_unit_test(test_full_command_and_path_warning),
                cmocka_unit_test(test_weight),
                cmocka_unit_test(test_match_by_name),
                cmocka_unit_test(test_match_long_name),
                cmocka_unit_test(test_match_full_command),
                cmocka_unit_test(test_params_imply_command_line),
                cmocka_unit_test(test_param_match_exact),
                cmocka_unit_test(test_param_match_partial),
                cmocka_unit_test(test_param_match_initial),
                cmocka_unit_test(test_cmdline_cut_short),
                cmocka_unit_test(test_quorum),
                cmocka_unit_test(test_no_delay_reports_at_once),
                cmocka_unit_test(test_first_count_is_reported_at_once),
                cmocka_unit_test(test_terminate_delay),
                cmocka_unit_test(test_fork_delay),
                cmocka_unit_test(test_fork_delay_guards_quorum_max),
                cmocka_unit_test(test_delay_both_ways),
                cmocka_unit_test(test_step_fields),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
