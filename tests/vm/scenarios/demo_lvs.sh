# The demo's LVS act (scripts/demo boots the VM with only this; not in `make vm-check`).
# The seeds' LVS-DR director pair: dir (MASTER) and dir2 (BACKUP) hold the VIP by VRRP
# and run the same virtual_server over rs1 and rs2 (TCP_CHECK); a client fetches
# through the VIP all along.  rs2 is killed and leaves the table, comes back and
# returns; dir dies and the VIP and the traffic move to dir2.  vigild directs.
. /vigil/lib.sh

say() { echo "demo: $*"; }
LAB_VIP=no lvs_lab DR > /dev/null
ns dir2
plug sw br0 dir2 eth0 10.0.1.3/24
lab_apply
for rs in rs1 rs2; do rs_up "$rs" > /dev/null; done
lvs_pair_conf MASTER 150 > /tmp/d1.conf
lvs_pair_conf BACKUP 100 > /tmp/d2.conf
DIRECTOR=vigild
director_check /tmp/d1.conf
say "the directors run vigild ($(vigild --version 2>&1 | head -n 1))"
say "lab: client 10.0.1.2; directors dir 10.0.1.1 (MASTER 150), dir2 10.0.1.3 (BACKUP 100); VIP $VIP; real servers rs1 $RS1, rs2 $RS2 (LVS-DR: VIP on lo, arp_ignore=1, arp_announce=2)"
director_start d1 dir /tmp/d1.conf > /dev/null
director_start d2 dir2 /tmp/d2.conf > /dev/null
vip_on() { ip -n "$1" addr show dev eth0 | grep -q "inet $VIP/24"; }
pool() { ipvs_has "$1" "$RS1:80" && ipvs_has "$1" "$RS2:80"; }
step() { wait_until "$@" | sed 's/^\[[0-9]* ms\] //; s/^/demo: /'; }
step 15 "dir is VRRP master and holds the VIP" vip_on dir
step 15 "dir lists rs1 and rs2 (their checks passed)" pool dir
step 15 "dir2 (backup) lists them too" pool dir2
say "ipvsadm -Ln on dir (before):"; ipvs dir | sed 's/^/    /'

# The client: one HTTP request through the VIP every 0.1 s, each line "ms answer".
fetcher() {
  while :; do
    a=$(http_get client "$VIP" 80)
    echo "$(now_ms) ${a:-ERR}" >> /tmp/fetch.log
    sleep 0.1
  done
}
mark() { echo "$(now_ms) @$1" >> /tmp/fetch.log; }
fetcher &
fetch=$!
# phase NAME: who answered since the last mark, and the longest error window.
report() {
  awk -v from="@$1" -v to="@$2" '
    $2 == from { on = 1; next } $2 == to { on = 0 } !on || $2 ~ /^@/ { next }
    { n[$2]++ }
    $2 == "ERR" { if (!err) t0 = last_ok ? last_ok : $1; err = 1; fails++; next }
    { if (err && $1 - t0 > worst) worst = $1 - t0; err = 0; last_ok = $1 }
    END { s = ""; for (k in n) s = s " " k " x" n[k]
          printf "answers:%s; longest error window %d ms (%d failed requests)\n", s, worst, fails }' /tmp/fetch.log
}
mark start
wait_until 10 "the client is answered" grep -q " rs[12]$" /tmp/fetch.log > /dev/null
sleep 1   # a second of steady traffic to show the split (the demo's pacing, not a wait)
mark kill_rs2
say "kill rs2's web server"
rs_down rs2 > /dev/null
step 15 "rs2 left dir's table after its check failed" ipvs_lacks dir "$RS2:80"
say "ipvsadm -Ln on dir:"; ipvs dir | sed 's/^/    /'
sleep 1
mark rs2_back
say "rs2's web server comes back"
rs_up rs2 > /dev/null
step 15 "rs2 returned to dir's table" pool dir
sleep 1
mark kill_dir
say "kill dir, the master director (every process, link down: a machine dying)"
for p in $(ip netns pids dir); do kill -9 "$p"; done
ip -n dir link set eth0 down
t_kill=$(now_ms)
wait_until 15 "VIP on dir2" vip_on dir2 > /dev/null
say "dir2 holds the VIP $(( $(now_ms) - t_kill )) ms after the kill"
last_ok() { tail -n 1 /tmp/fetch.log | grep -q ' rs[12]$'; }
wait_until 15 "dir2 answers" last_ok > /dev/null
sleep 1
mark end
kill "$fetch"
say "ipvsadm -Ln on dir2 (after):"; ipvs dir2 | sed 's/^/    /'
say "what the client saw (one request every 0.1 s; an error is a request that got no answer):"
say "client, both servers up:         $(report start kill_rs2)"
say "client, rs2 killed until back:   $(report kill_rs2 rs2_back)"
say "  (the errors: requests sent to rs2 between its death and its failed check)"
say "client, rs2 back:                $(report rs2_back kill_dir)"
say "client, dir killed, dir2 takes:  $(report kill_dir end)"
DIRECTORS=""
lab_cleanup
