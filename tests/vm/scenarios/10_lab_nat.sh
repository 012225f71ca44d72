# The lab itself works: a NAT service programmed with ipvsadm in the director's
# namespace carries a client's TCP requests through the VIP to both real servers.
. /vigil/lib.sh

lab_nat
http_server rs1 /tmp/www1 80 rs1 > /dev/null
http_server rs2 /tmp/www2 80 rs2 > /dev/null
wait_until 5 "rs1 listens" listening rs1 80
wait_until 5 "rs2 listens" listening rs2 80

in_ns dir ipvsadm -A -t "$VIP:80" -s rr || fail "ipvsadm -A"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS1:80" -m || fail "ipvsadm -a rs1"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS2:80" -m || fail "ipvsadm -a rs2"
ipvs dir

expect_split 3
log "PASS: 6 requests through $VIP reached rs1 x3 and rs2 x3"
