# The lab does IP-in-IP tunnelling: the director encapsulates to each real server,
# which decapsulates on tunl0 (VIP there, rp_filter off) and answers the client.
. /vigil/lib.sh

lab_flat
modprobe ipip || fail "modprobe ipip"
for rs in rs1 rs2; do
  ip -n "$rs" link set tunl0 up || fail "$rs has no tunl0"
  ip -n "$rs" addr add "$VIP/32" dev tunl0
  in_ns "$rs" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.all.rp_filter=0
done
http_server rs1 /tmp/www1 80 rs1 > /dev/null
http_server rs2 /tmp/www2 80 rs2 > /dev/null
wait_until 5 "rs1 listens" listening rs1 80
wait_until 5 "rs2 listens" listening rs2 80

in_ns dir ipvsadm -A -t "$VIP:80" -s rr || fail "ipvsadm -A"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS1:80" -i || fail "ipvsadm -a rs1"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS2:80" -i || fail "ipvsadm -a rs2"
ipvs dir | grep -q "$RS1:80 *Tunnel" || fail "rs1 is not a tunnel destination"

expect_split 3
rx=$(ip -n rs1 -s link show tunl0 | awk '/RX:/ { getline; print $2 }')
[ "${rx:-0}" -gt 0 ] || fail "rs1's tunl0 received no packets"
log "PASS: TUN: 6 requests through $VIP reached rs1 x3 and rs2 x3 (rs1's tunl0: $rx packets)"
