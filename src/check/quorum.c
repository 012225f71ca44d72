/* A virtual server's quorum and pool; see quorum.h for the rules. */
#include "check/quorum.h"

int64_t check_rs_weight(int64_t weight)
{
        if (weight < 0)
                return 0;
        return weight > CHECK_WEIGHT_MAX ? CHECK_WEIGHT_MAX : weight;
}

static int64_t weight_sum(const struct check_rs_input *rs, size_t n)
{
        int64_t sum = 0;

        for (size_t i = 0; i < n; i++)
                if (rs[i].alive && !rs[i].drained && !rs[i].disabled)
                        sum += check_rs_weight(rs[i].weight);
        return sum;
}

static int64_t gain_at(const struct check_vs_params *p)
{
        return (int64_t)p->quorum + p->hysteresis;
}

static int64_t lose_below(const struct check_vs_params *p)
{
        return (int64_t)p->quorum - p->hysteresis;
}

/* Where each real server and the sorry server stand, once the quorum
 * state is known. */
static void place(const struct check_vs_params *p, const struct check_rs_input *rs, size_t n,
                  struct check_rs_output *out, struct check_vs_result *r)
{
        r->sorry_active = !r->quorum_up && p->has_sorry_server;
        r->sorry_in_table = r->sorry_active || (p->has_sorry_server && p->sorry_server_inhibit);
        r->sorry_weight = r->sorry_active ? 1 : 0;
        for (size_t i = 0; i < n; i++) {
                bool serving = rs[i].alive && !r->sorry_active;

                out[i] = (struct check_rs_output){ 0 };
                if (rs[i].disabled)
                        continue;
                if (serving) {
                        /* A drained server stays in the table so its
                         * connections finish; it only takes no new ones. */
                        out[i].in_table = true;
                        out[i].weight = rs[i].drained ? 0 : check_rs_weight(rs[i].weight);
                } else if (rs[i].inhibit_on_failure) {
                        out[i].in_table = true;
                        out[i].weight = 0;
                }
        }
}

void check_vs_start(const struct check_vs_params *p, const struct check_rs_input *rs, size_t n,
                    struct check_rs_output *out, struct check_vs_result *ret)
{
        *ret = (struct check_vs_result){ .change = CHECK_SAME };
        ret->weight_sum = weight_sum(rs, n);
        ret->quorum_up = ret->weight_sum >= gain_at(p);
        ret->threshold = gain_at(p);
        place(p, rs, n, out, ret);
        for (size_t i = 0; i < n; i++)
                out[i].notify_up = p->rs_init_notifies && rs[i].alive;
}

void check_vs_update(const struct check_vs_params *p, bool quorum_up, const struct check_rs_input *rs, size_t n,
                     struct check_rs_output *out, struct check_vs_result *ret)
{
        *ret = (struct check_vs_result){ .change = CHECK_SAME, .quorum_up = quorum_up };
        ret->weight_sum = weight_sum(rs, n);
        if (!quorum_up && ret->weight_sum >= gain_at(p)) {
                ret->quorum_up = true;
                ret->change = CHECK_WENT_UP;
                ret->threshold = gain_at(p);
                ret->run_quorum_up = true;
        } else if (quorum_up && (ret->weight_sum == 0 || ret->weight_sum < lose_below(p))) {
                ret->quorum_up = false;
                ret->change = CHECK_WENT_DOWN;
                ret->threshold = lose_below(p);
                ret->run_quorum_down = true;
        } else {
                ret->threshold = quorum_up ? lose_below(p) : gain_at(p);
        }
        place(p, rs, n, out, ret);
}

void check_vs_stop(const struct check_vs_params *p, bool quorum_up, const struct check_rs_input *rs, size_t n,
                   struct check_rs_output *out, struct check_vs_result *ret)
{
        *ret = (struct check_vs_result){ .change = CHECK_SAME, .quorum_up = quorum_up };
        ret->weight_sum = weight_sum(rs, n);
        ret->threshold = lose_below(p);
        ret->run_quorum_down = p->omega && quorum_up;
        place(p, rs, n, out, ret);
        for (size_t i = 0; i < n; i++)
                out[i].notify_down = p->omega && rs[i].alive;
}
