#include "common/lazylib.h"

#include <dlfcn.h>
#include <string.h>

#include "common/log.h"

bool lazylib_load(const char *soname, const struct lazysym *syms, size_t n, void *table, const char *what)
{
        void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

        if (!h) {
                log_err("%s needs %s, which cannot be loaded: %s", what, soname, dlerror());
                return false;
        }
        for (size_t i = 0; i < n; i++) {
                void *fn = dlsym(h, syms[i].name);
                if (!fn) {
                        log_err("%s: %s has no %s", what, soname, syms[i].name);
                        return false;
                }
                /* a data pointer from dlsym into a function pointer slot, as POSIX allows */
                memcpy((char *)table + syms[i].offset, &fn, sizeof(fn));
        }
        return true;
}
