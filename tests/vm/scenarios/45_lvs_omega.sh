# vm-directors: keepalived vigild
# omega: at stop, a virtual_server with omega runs its real servers' notify_down and
# its quorum_down; one without omega runs neither.  VS :80 (omega) and VS :81 (no
# omega), both over rs1; notify_up at start (rs_init_notifies is off) is not
# asserted, only what the stop does.
. /vigil/lib.sh

lvs_lab NAT
rs_up rs1
rs_up rs1 81
script note 'echo "$*" >> /tmp/notes.log'
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    omega
    quorum_down "/run/lvs/note quorum_down 80"
$(tcp_rs "$RS1" 80 'notify_down "/run/lvs/note notify_down 80"')
}
virtual_server $VIP 81 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    quorum_down "/run/lvs/note quorum_down 81"
$(tcp_rs "$RS1" 81 'notify_down "/run/lvs/note notify_down 81"')
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
in_both() { ipvs_has dir "$RS1:80" && ipvs_has dir "$RS1:81"; }
wait_until 15 "rs1 in both services" in_both
ipvs dir
touch /tmp/notes.log
[ -s /tmp/notes.log ] && fail "down scripts ran before the stop: $(cat /tmp/notes.log)"
director_stop d1
echo "scripts run at stop:"; cat /tmp/notes.log
wait_until 5 "omega: notify_down of VS :80's rs1 ran at stop" grep -q '^notify_down 80$' /tmp/notes.log
wait_until 5 "omega: quorum_down of VS :80 ran at stop" grep -q '^quorum_down 80$' /tmp/notes.log
grep -q ' 81$' /tmp/notes.log && fail "VS :81 has no omega but ran a down script at stop"
log "PASS: $DIRECTOR: omega ran VS :80's down scripts at stop, VS :81 (no omega) none"
