# lvs_drift_check (vigil extension): a virtual_server over rs1 and rs2 (NAT) with the
# table re-read every second.  By hand, `ipvsadm -d` takes rs2 out, `ipvsadm -e`
# changes rs1's weight and `ipvsadm -a` adds a server nobody configured: vigild puts
# the table back within a few intervals and logs each change it repaired; a service
# it does not own (`ipvsadm -A` of another address) is left alone.
DIRECTOR=vigild
. /vigil/lib.sh

lvs_lab NAT
rs_up rs1
rs_up rs2
cat > /tmp/lvs.conf <<CONF
global_defs {
    router_id vm_director
    lvs_drift_check 1
}
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
wait_until 5 "the drift check runs" grep -q "IPVS drift check every 1000 ms" /tmp/d1.log

in_ns dir ipvsadm -A -t 10.0.9.9:8080 -s rr || fail "ipvsadm -A of a foreign service"
in_ns dir ipvsadm -d -t "$VIP:80" -r "$RS2:80" || fail "ipvsadm -d"
log "rs2 deleted by hand"
wait_until 10 "rs2 is back in the table" ipvs_has dir "$RS2:80"
grep -q "IPVS drift: the kernel's table was changed outside vigil; repairing: add destination $VIP:80 -> $RS2:80" /tmp/d1.log ||
  fail "no drift line for rs2: $(grep 'IPVS drift' /tmp/d1.log)"

in_ns dir ipvsadm -e -t "$VIP:80" -r "$RS1:80" -m -w 7 || fail "ipvsadm -e"
in_ns dir ipvsadm -a -t "$VIP:80" -r 10.0.2.99:80 -m -w 1 || fail "ipvsadm -a"
log "rs1's weight set to 7 and 10.0.2.99 added by hand"
weight1() { [ "$(weight dir "$RS1:80")" = 1 ]; }
wait_until 10 "rs1's weight is 1 again" weight1
wait_until 10 "the server nobody configured is gone" ipvs_lacks dir "10.0.2.99:80"
grep -q "repairing: set destination $VIP:80 -> $RS1:80" /tmp/d1.log || fail "no drift line for rs1's weight"
grep -q "repairing: delete destination $VIP:80 -> 10.0.2.99:80" /tmp/d1.log || fail "no drift line for 10.0.2.99"
ipvs_has dir "10.0.9.9:8080" || fail "the foreign service was removed"
echo "--- dir"; ipvs dir
grep "IPVS drift" /tmp/d1.log
log "PASS: vigild repaired three hand-made changes (lvs_drift_check) and left the foreign service alone"
