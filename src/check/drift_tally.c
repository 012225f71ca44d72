/* check/drift.h's pure part: what a repair's change set says was changed. */
#include "check/drift.h"

void check_drift_tally(const struct check_changes *ch, struct check_drift_counters *c)
{
        c->checks++;
        if (ch->n)
                c->drifted++;
        for (size_t i = 0; i < ch->n; i++) {
                switch (ch->ops[i].kind) {
                case CHECK_OP_ADD_SVC: c->svc_missing++; break;
                case CHECK_OP_SET_SVC: c->svc_changed++; break;
                case CHECK_OP_DEL_SVC: c->svc_foreign++; break;
                case CHECK_OP_ADD_DEST: c->dest_missing++; break;
                case CHECK_OP_SET_DEST: c->dest_changed++; break;
                case CHECK_OP_DEL_DEST: c->dest_foreign++; break;
                }
        }
}
