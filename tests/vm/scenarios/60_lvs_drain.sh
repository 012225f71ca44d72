# vm-directors: vigild
# Draining a real server (NAT, vigild only: keepalived has no such command).  A
# connection is opened through the VIP and held; `vigilctl drain` sets the server it
# went to at weight 0 in `ipvsadm -Ln`; `vigilctl show vs -j` reads the kernel's
# counters (the held connection is active on it); new requests all reach the other
# server; the held connection's request, sent after the drain, is answered by the
# drained server; `vigilctl enable` restores weight 1 and both serve again.
. /vigil/lib.sh

lvs_lab NAT
rs_up rs1
rs_up rs2
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
$(tcp_rs "$RS1" 80)
$(tcp_rs "$RS2" 80)
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:80" && ipvs_has dir "$RS2:80"; }
wait_until 15 "rs1 and rs2 in the table" both
ctl() { vigilctl -s /tmp/d1.sock "$@"; }

# the held connection: its request is written later, through fd 3
hold_connection
in_ns dir ipvsadm -Lnc
dest=$HELD_DEST
case "$dest" in
"$RS1:80") drained=rs1 drained_ip=$RS1 other=rs2 ;;
"$RS2:80") drained=rs2 drained_ip=$RS2 other=rs1 ;;
*) fail "the held connection goes to '$dest', neither real server" ;;
esac
log "the held connection goes to $drained ($dest)"

ctl drain "$VIP:80" "$drained_ip" || fail "vigilctl drain refused"
wait_until 10 "$drained at weight 0 in ipvsadm -Ln" weight_is dir "$drained_ip:80" 0
ipvs dir
ctl show vs "$VIP:80"
ctl show vs "$VIP:80" -j > /tmp/vs.json
grep -q '"admin": "drained"' /tmp/vs.json || fail "show vs does not say drained: $(cat /tmp/vs.json)"
grep -q '"kernel_counters": true' /tmp/vs.json || fail "show vs has no kernel counters: $(cat /tmp/vs.json)"
grep -q '"active_conns": 1' /tmp/vs.json || fail "the held connection is not an active connection: $(cat /tmp/vs.json)"
held || fail "the held connection is gone after the drain"
only_from "$other" 4
printf 'GET / HTTP/1.0\r\n\r\n' >&3
exec 3>&-
answered() { grep -q "^$drained\$" /tmp/held.out; }
wait_until 5 "the held connection is answered by the drained $drained" answered

ctl enable "$VIP:80" "$drained_ip" || fail "vigilctl enable refused"
wait_until 10 "$drained back at weight 1" weight_is dir "$drained_ip:80" 1
from_all 4 rs1 rs2
ctl events -n 2 --count 2
log "PASS: a drained server keeps its connection, takes no new one, and returns on enable"
