# vm-directors: keepalived vigild
# Quorum and sorry server (NAT): rs1 and rs2 of weight 1, quorum 2, a sorry server.
# rs2 dies: the quorum is lost, the alive rs1 leaves and the sorry server answers the
# client (quorum_down runs); rs2 comes back: the sorry server goes, both return
# (quorum_up runs).
. /vigil/lib.sh

SORRY=10.0.2.13
lvs_lab NAT
ns sorry
plug sw br-s sorry eth0 "$SORRY/24"
queue sorry route add default via 10.0.2.1
lab_apply
rs_up rs1
rs_up rs2
rs_up sorry
script quorum 'echo "$1" >> /tmp/quorum.log'
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    quorum 2
    quorum_up "/run/lvs/quorum up"
    quorum_down "/run/lvs/quorum down"
    sorry_server $SORRY 80
$(tcp_rs "$RS1" 80)
$(tcp_rs "$RS2" 80)
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:80" && ipvs_has dir "$RS2:80"; }
wait_until 15 "rs1 and rs2 in the table" both
ipvs dir
ipvs_lacks dir "$SORRY:80" || fail "the sorry server is in the table while the quorum is up"
from_all 4 rs1 rs2

rs_down rs2
sorry_only() { ipvs_has dir "$SORRY:80" && ipvs_lacks dir "$RS1:80" && ipvs_lacks dir "$RS2:80"; }
wait_until 15 "quorum lost: the sorry server replaced the real servers" sorry_only
ipvs dir
only_from sorry 3
wait_until 10 "quorum_down ran" grep -q '^down$' /tmp/quorum.log

rs_up rs2
back() { both && ipvs_lacks dir "$SORRY:80"; }
wait_until 15 "quorum gained: the sorry server left, rs1 and rs2 returned" back
ipvs dir
from_all 4 rs1 rs2
wait_until 10 "quorum_up ran" grep -q '^up$' /tmp/quorum.log
echo "quorum scripts ran:" $(cat /tmp/quorum.log)
log "PASS: $DIRECTOR: quorum loss installed the sorry server, gain removed it"
