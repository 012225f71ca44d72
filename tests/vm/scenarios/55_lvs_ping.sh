# vm-directors: keepalived vigild
# PING_CHECK on a UDP virtual_server (NAT): ICMP echo from a datagram ping
# socket, which the kernel's net.ipv4.ping_group_range ("1 0" in a new
# namespace) refuses until the director widens it to take group 0 in, as
# keepalived does. rs2's link goes down: no echo reply, it leaves the table;
# up, it returns.
. /vigil/lib.sh

lvs_lab NAT
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 53 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol UDP
    real_server $RS1 53 {
        PING_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server $RS2 53 {
        PING_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
CONF
log "dir's ping_group_range before: $(in_ns dir cat /proc/sys/net/ipv4/ping_group_range)"
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
wait_until 20 "rs1 in the table" ipvs_has dir "$RS1:53"
wait_until 15 "rs2 in the table" ipvs_has dir "$RS2:53"
ipvs dir
# the real servers are in the table from the start; the first probes widen the range
widened() { [ "$(in_ns dir awk '{ print $1 }' /proc/sys/net/ipv4/ping_group_range)" = 0 ]; }
wait_until 10 "dir's ping_group_range widened to group 0" widened
log "dir's ping_group_range now: $(in_ns dir cat /proc/sys/net/ipv4/ping_group_range)"
ip -n sw link set rs2-eth0 down
wait_until 15 "rs2 left the table (no echo reply with its link down)" ipvs_lacks dir "$RS2:53"
ipvs dir
ipvs_has dir "$RS1:53" || fail "rs1 left the table too"
ip -n sw link set rs2-eth0 up
wait_until 20 "rs2 returned to the table" ipvs_has dir "$RS2:53"
ipvs dir
director_stop d1
ipvs_lacks dir "$VIP:53" || fail "the service outlived the director: $(ipvs dir)"
log "PASS: $DIRECTOR, PING_CHECK followed rs2's link down and up"
