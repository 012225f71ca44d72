#include "common/lazylib.h"

#include <dlfcn.h>
#include <string.h>

#include "common/log.h"

static bool load(const struct lazylib *l)
{
        void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);

        if (!h) {
                log_err("%s needs %s, which cannot be loaded: %s", l->what, l->soname, dlerror());
                return false;
        }
        for (size_t i = 0; i < l->n; i++) {
                void *fn = dlsym(h, l->syms[i].name);
                if (!fn) {
                        log_err("%s: %s has no %s", l->what, l->soname, l->syms[i].name);
                        return false;
                }
                /* a data pointer from dlsym into a function pointer slot, as POSIX allows */
                memcpy((char *)l->table + l->syms[i].offset, &fn, sizeof(fn));
        }
        return true;
}

bool lazylib_get(struct lazylib *l)
{
        if (!l->state)
                l->state = load(l) ? 1 : -1;
        return l->state == 1;
}
