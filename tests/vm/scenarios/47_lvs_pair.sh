# vm-directors: keepalived vigild
# The classic LVS-DR director pair: dir (MASTER, priority 150) and dir2 (BACKUP, 100)
# hold the VIP by VRRP and run the same virtual_server over rs1 and rs2.  The client
# fetches through the VIP from dir; dir dies (every process killed, its link down, as
# a machine would); dir2 takes the VIP and the client's traffic reaches rs1 and rs2
# through it.
. /vigil/lib.sh

LAB_VIP=no lvs_lab DR
ns dir2
plug sw br0 dir2 eth0 10.0.1.3/24
lab_apply
rs_up rs1
rs_up rs2
lvs_pair_conf MASTER 150 "$SECURE_GLOBALS" > /tmp/d1.conf
lvs_pair_conf BACKUP 100 "$SECURE_GLOBALS" > /tmp/d2.conf
director_check /tmp/d1.conf
director_start d1 dir /tmp/d1.conf
director_start d2 dir2 /tmp/d2.conf
vip_on() { ip -n "$1" addr show dev eth0 | grep -q "inet $VIP/24"; }
pool() { ipvs_has "$1" "$RS1:80" && ipvs_has "$1" "$RS2:80"; }
wait_until 10 "dir is master with the VIP" vip_on dir
wait_until 15 "dir's table has rs1 and rs2" pool dir
wait_until 15 "dir2's table (backup) has rs1 and rs2 too" pool dir2
vip_on dir2 && fail "both directors hold the VIP"
echo "--- dir"; ipvs dir; echo "--- dir2"; ipvs dir2
from_all 4 rs1 rs2
log "dir forwarded $(in_ns dir ipvsadm -Lnc | tail -n +3 | wc -l) connections, dir2 $(in_ns dir2 ipvsadm -Lnc | tail -n +3 | wc -l)"

for p in $(ip netns pids dir); do kill -9 "$p"; done
ip -n dir link set eth0 down
log "dir killed (all its processes, its link down)"
wait_until 10 "dir2 took the VIP" vip_on dir2
from_all 4 rs1 rs2
n2=$(in_ns dir2 ipvsadm -Lnc | tail -n +3 | wc -l)
[ "$n2" -ge 4 ] || fail "dir2 forwarded $n2 connections, want the client's 4"
echo "--- dir2"; ipvs dir2
log "PASS: $DIRECTOR pair: the VIP and the client's traffic moved to dir2 ($n2 connections)"
