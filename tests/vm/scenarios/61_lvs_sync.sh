# vm-directors: keepalived vigild
# lvs_sync_daemon across an LVS-DR director pair: dir (MASTER, 150) and dir2
# (BACKUP, 100) hold the VIP by VRRP, run the same virtual_server over rs1 and rs2,
# and the kernel's sync daemon follows VI_1 (master on dir, backup on dir2).  The
# client opens one long-lived TCP connection through the VIP and reads a slow
# stream (a line a second) from a real server.  Before the failover dir2's
# `ipvsadm -Lnc` already holds that connection (synced, never seen by dir2);
# then dir dies (every process killed, its link down) and the stream goes on
# through dir2: the client's ACKs now reach dir2, which forwards them to the same
# real server because it knows the connection.  Without the sync dir2 would answer
# them with a reset and the client's reader would end.
. /vigil/lib.sh

LAB_VIP=no lvs_lab DR
ns dir2
plug sw br0 dir2 eth0 10.0.1.3/24
lab_apply
# the real servers' slow stream: one line a second, per connection
mkdir -p /run/lvs
cat > /run/lvs/ticker <<'SH'
#!/bin/sh
i=0
while echo "tick $i"; do i=$(( i + 1 )); sleep 1; done
SH
chmod 755 /run/lvs/ticker
for rs in rs1 rs2; do
  nsenter --net="/run/netns/$rs" nc -ll -p 80 -e /run/lvs/ticker > /dev/null 2>&1 &
  echo $! > "/tmp/ticker.$rs"
  wait_until 5 "$rs streams on 80" listening "$rs" 80
done
conf() {
  lvs_pair_conf "$1" "$2" 'global_defs {
    router_id vm_director
    enable_script_security
    script_user root
    lvs_sync_daemon eth0 VI_1
}'
}
conf MASTER 150 > /tmp/d1.conf
conf BACKUP 100 > /tmp/d2.conf
director_check /tmp/d1.conf lax
director_start d1 dir /tmp/d1.conf
director_start d2 dir2 /tmp/d2.conf
vip_on() { ip -n "$1" addr show dev eth0 | grep -q "inet $VIP/24"; }
pool() { ipvs_has "$1" "$RS1:80" && ipvs_has "$1" "$RS2:80"; }
wait_until 10 "dir is master with the VIP" vip_on dir
wait_until 15 "dir's table has rs1 and rs2" pool dir
wait_until 15 "dir2's table (backup) has rs1 and rs2 too" pool dir2
syncd() { in_ns "$1" ipvsadm -L --daemon | grep -q "$2"; }
wait_until 10 "dir runs the master sync daemon" syncd dir "master sync daemon"
wait_until 10 "dir2 runs the backup sync daemon" syncd dir2 "backup sync daemon"
echo "--- dir daemons"; in_ns dir ipvsadm -L --daemon; echo "--- dir2 daemons"; in_ns dir2 ipvsadm -L --daemon

nsenter --net=/run/netns/client nc "$VIP" 80 > /tmp/stream.out 2>&1 &
reader=$!
lines() { wc -l < /tmp/stream.out; }
grows() { [ "$(lines)" -gt "$1" ]; }
wait_until 10 "the client reads the stream through dir" grows 2
synced() { in_ns dir2 ipvsadm -Lnc | grep "10.0.1.2:" | grep -q "$VIP:80"; }
wait_until 20 "dir2 (backup) holds the client's connection, synced from dir" synced
echo "--- dir2 ipvsadm -Lnc"; in_ns dir2 ipvsadm -Lnc

for p in $(ip netns pids dir); do kill -9 "$p"; done
ip -n dir link set eth0 down
log "dir killed (all its processes, its link down)"
wait_until 10 "dir2 took the VIP" vip_on dir2
wait_until 10 "dir2 runs the master sync daemon" syncd dir2 "master sync daemon"
n=$(lines)
wait_until 20 "the stream goes on through dir2 (3 more lines)" grows $(( n + 3 ))
alive "$reader" || fail "the client's reader ended: the connection did not survive"
echo "--- dir2 ipvsadm -Lnc"; in_ns dir2 ipvsadm -Lnc
tail -n 3 /tmp/stream.out
kill "$reader" 2>/dev/null
for rs in rs1 rs2; do kill "$(cat "/tmp/ticker.$rs")" 2>/dev/null; done
log "PASS: $DIRECTOR pair with lvs_sync_daemon: the connection survived the failover ($(lines) lines read)"
