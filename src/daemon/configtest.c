#include "daemon/configtest.h"

#include <string.h>

static void print_caret_line(FILE *f, const char *src, int col)
{
        int n = 1;

        fputs("    ", f);
        /* keep tabs so the caret lines up with the source as displayed */
        for (const char *p = src; *p && n < col; p++) {
                if (((unsigned char)*p & 0xC0) == 0x80)
                        continue;
                fputc(*p == '\t' ? '\t' : ' ', f);
                n++;
        }
        fputs("^\n", f);
}

void diag_print_one(FILE *f, const struct diag *d)
{
        const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";

        if (d->pos.file && d->pos.line && d->pos.col)
                fprintf(f, "%s:%d:%d: %s: %s\n", d->pos.file, d->pos.line, d->pos.col, sev, d->msg);
        else if (d->pos.file && d->pos.line)
                fprintf(f, "%s:%d: %s: %s\n", d->pos.file, d->pos.line, sev, d->msg);
        else if (d->pos.file)
                fprintf(f, "%s: %s: %s\n", d->pos.file, sev, d->msg);
        else
                fprintf(f, "%s: %s\n", sev, d->msg);
        if (d->pos.src && d->pos.line) {
                fprintf(f, "    %s\n", d->pos.src);
                if (d->pos.col)
                        print_caret_line(f, d->pos.src, d->pos.col);
        }
}

void diag_print_all(FILE *f, const struct diag_list *l)
{
        for (size_t i = 0; i < l->count; i++)
                diag_print_one(f, &l->items[i]);
}
