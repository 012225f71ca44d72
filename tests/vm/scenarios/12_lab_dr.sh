# The lab does direct routing: the director only rewrites the MAC, the real servers
# hold the VIP on lo (without answering ARP for it) and answer the client directly.
. /vigil/lib.sh

lab_flat
for rs in rs1 rs2; do ip -n "$rs" addr add "$VIP/32" dev lo; done
http_server rs1 /tmp/www1 80 rs1 > /dev/null
http_server rs2 /tmp/www2 80 rs2 > /dev/null
wait_until 5 "rs1 listens" listening rs1 80
wait_until 5 "rs2 listens" listening rs2 80

in_ns dir ipvsadm -A -t "$VIP:80" -s rr || fail "ipvsadm -A"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS1:80" -g || fail "ipvsadm -a rs1"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS2:80" -g || fail "ipvsadm -a rs2"
ipvs dir | grep -q "$RS1:80 *Route" || fail "rs1 is not a direct-routing destination"

# The client must have learnt the director's MAC for the VIP, not a real server's.
ip -n client neigh flush dev eth0
expect_split 3
mac_dir=$(ip -n dir link show eth0 | awk '/link\/ether/ { print $2 }')
ip -n client neigh show "$VIP" | grep -q "$mac_dir" || fail "the client resolved the VIP to $(ip -n client neigh show "$VIP"), not the director ($mac_dir)"
log "PASS: DR: 6 requests through $VIP reached rs1 x3 and rs2 x3; the VIP resolves to the director"
