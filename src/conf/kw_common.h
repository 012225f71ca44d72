/* Openers and helpers shared between the keyword table files. */
#pragma once

#include "conf/parser.h"

/* The single NAME argument of a named block (vrrp_instance NAME {...});
 * NULL after reporting when it is missing. */
const char *kw_block_name(struct parser *p, const struct conf_line *ln);

void *kw_open_vrrp_script(struct parser *p, const struct conf_line *ln, void *obj);
void *kw_open_track_file(struct parser *p, const struct conf_line *ln, void *obj);
void kw_close_track_file(struct parser *p, void *child, void *obj);
void *kw_open_track_process(struct parser *p, const struct conf_line *ln, void *obj);
void kw_close_track_process(struct parser *p, void *child, void *obj);
void *kw_open_sync_group(struct parser *p, const struct conf_line *ln, void *obj);
void *kw_open_instance(struct parser *p, const struct conf_line *ln, void *obj);
void *kw_open_vsg(struct parser *p, const struct conf_line *ln, void *obj);
void kw_vsg_line(struct parser *p, const struct conf_line *ln, void *obj);
void *kw_open_virtual_server(struct parser *p, const struct conf_line *ln, void *obj);
void kw_close_virtual_server(struct parser *p, void *child, void *obj);

/* "track_script { NAME [weight W [reverse|noreverse]] }" style entries. */
void kw_track_line(struct parser *p, const struct conf_line *ln, conf_track_list *list, int wmin, int wmax,
                   bool allow_reverse);
/* Every token of the line is one item (notification_email, group). */
void kw_strlist_line(struct parser *p, const struct conf_line *ln, conf_strlist *list);

/* Checkers: the opener reads the checker type from the keyword. */
void *kw_open_checker(struct parser *p, const struct conf_line *ln, void *obj);
void kw_close_misc_checker(struct parser *p, void *child, void *obj);
void kw_close_file_checker(struct parser *p, void *child, void *obj);
