# vm-directors: keepalived vigild
# A checker crash (NAT): the check worker, found by its pid file (-c), is killed with
# SIGKILL while the client fetches through the VIP.  vigild: the table is untouched
# (same `ipvsadm -Ln` right after the kill, while the worker is down and once it is
# back), every request is answered, the restarted worker has a new pid in the file,
# adopts the table and follows health again (rs2 dies and leaves).  keepalived: the
# same is observed and printed as the reference; only its recovery is asserted
# (doc/testing.md records what it does).
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
table() { ipvs dir | awk '{ print $1, $2, $3, $4 }'; }
table > /tmp/before
cat /tmp/before
wait_until 5 "the checker's pid file names a live process" checker_pid d1
old=$(checker_pid d1)
kill -9 "$old"
log "checker (pid $old) killed with SIGKILL"
table > /tmp/after.kill
requests 4 > /tmp/answers.kill
echo "answers while the checker is down or restarting:" $(cat /tmp/answers.kill)
new_checker() { p_=$(checker_pid d1) && [ "$p_" != "$old" ]; }
if [ "$DIRECTOR" = vigild ]; then
  cmp -s /tmp/before /tmp/after.kill || fail "the table changed when the checker died: $(cat /tmp/after.kill)"
  [ "$(grep -c '^rs[12]$' /tmp/answers.kill)" = 4 ] || fail "requests failed while the checker was down"
  wait_until 15 "the supervisor restarted the checker" new_checker
  log "new checker pid $(checker_pid d1)"
  table > /tmp/after.restart
  cmp -s /tmp/before /tmp/after.restart || fail "the restarted checker changed the table: $(cat /tmp/after.restart)"
  from_all 4 rs1 rs2
else
  # The reference: watch the table through keepalived's own restart of its checker.
  wait_until 15 "keepalived restarted its checker" new_checker
  log "new checker pid $(checker_pid d1)"
  wait_until 15 "the table is whole again" both
  table > /tmp/after.restart
  cmp -s /tmp/before /tmp/after.restart && log "reference: keepalived's table right after the kill and after the restart equals the one before" ||
    { echo "reference: keepalived's table after the restart:"; cat /tmp/after.restart; }
  cmp -s /tmp/before /tmp/after.kill || { echo "reference: right after the kill:"; cat /tmp/after.kill; }
  grep -E "Healthcheck child|Initializing ipvs|Removing|Adding|flush|exited" /tmp/d1.log
fi
rs_down rs2
wait_until 15 "the restarted checker removed the dead rs2" ipvs_lacks dir "$RS2:80"
only_from rs1 3
log "PASS: $DIRECTOR: a SIGKILLed checker left traffic flowing; the restarted one follows health"
