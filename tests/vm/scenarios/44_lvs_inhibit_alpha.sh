# vm-directors: keepalived vigild
# inhibit_on_failure and alpha (NAT).  VS :80: rs2 has inhibit_on_failure; when it
# dies it stays in the table at weight 0 (the client reaches rs1 only) and gets its
# weight back when it returns.  VS :81 has alpha: rs1:81 does not listen at start and
# never enters the table, not even before its first check (without alpha a director
# adds every real server at start); it enters once rs1 listens on 81.
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
$(tcp_rs "$RS2" 80 "weight 2
        inhibit_on_failure")
}
virtual_server $VIP 81 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    alpha
$(tcp_rs "$RS1" 81)
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
# Every poll until the :80 pool is complete also checks that alpha's pool is empty.
echo no > /tmp/alpha.seen
pool_ready() {
  ipvs_has dir "$RS1:81" && echo yes > /tmp/alpha.seen
  ipvs_has dir "$VIP:81" && weight_is dir "$RS1:80" 1 && weight_is dir "$RS2:80" 2
}
wait_until 15 "VS :80 has rs1 (weight 1) and rs2 (weight 2); VS :81 exists" pool_ready
# A negative needs a window: two more check rounds (delay_loop 1) in which alpha's
# pool stays empty, watched at every poll.
t_=$(now_ms)
while [ $(( $(now_ms) - t_ )) -lt 2500 ]; do
  ipvs_lacks dir "$RS1:81" || fail "alpha: rs1:81 entered the table although it never passed a check"
  sleep 0.1
done
log "alpha: rs1:81 stayed out for 2.5 s more"
ipvs dir
[ "$(cat /tmp/alpha.seen)" = no ] && ipvs_lacks dir "$RS1:81" ||
  fail "alpha: rs1:81 entered the table although it never passed a check"

rs_down rs2
wait_until 15 "inhibit_on_failure: rs2 is at weight 0, still listed" weight_is dir "$RS2:80" 0
ipvs dir
only_from rs1 4
rs_up rs2
wait_until 15 "rs2 is back at weight 2" weight_is dir "$RS2:80" 2
from_all 4 rs1 rs2

rs_up rs1 81
wait_until 15 "alpha: rs1:81 entered the table after its first success" ipvs_has dir "$RS1:81"
ipvs dir
log "PASS: $DIRECTOR: inhibit_on_failure kept rs2 at weight 0; alpha started empty"
