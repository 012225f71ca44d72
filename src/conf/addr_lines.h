/* The per-line grammar of static_ipaddress/virtual_ipaddress,
 * static_routes/virtual_routes and static_rules/virtual_rules, after
 * `ip addr add`, `ip route add` and `ip rule add`. */
#pragma once

#include "conf/parser.h"

/* is_static: static_* blocks (track_group allowed, no_track/use_vmac not). */
bool parse_ipaddress_line(struct parser *p, const struct conf_line *ln, bool is_static,
                          struct conf_ipaddress *ret);
bool parse_route_line(struct parser *p, const struct conf_line *ln, bool is_static, struct conf_route *ret);
bool parse_rule_line(struct parser *p, const struct conf_line *ln, bool is_static, struct conf_rule *ret);
