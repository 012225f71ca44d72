# vm-directors: keepalived vigild
# UDP_CHECK on a UDP virtual_server (NAT): rs1 must echo the payload back
# (require_reply), rs2 only must not answer ICMP port unreachable
# (keepalived's default: silence is success). rs2's responder stops: its
# closed port answers port unreachable and it leaves the UDP table; it starts
# again and returns. rs1's link goes down: no reply, it leaves; up, it returns.
. /vigil/lib.sh

ECHO=/vigil/bin/udp_echo
[ -x "$ECHO" ] || skip "no $ECHO in the image (build/tests/udp_echo not built)"

udp_listening() { in_ns "$1" netstat -lun 2>/dev/null | grep -q ":53 "; }
udp_closed() { ! udp_listening "$@"; }
udp_up() {
  nsenter --net="/run/netns/$1" "$ECHO" 53 > /dev/null 2>&1 &
  echo $! > "/tmp/udp_echo.$1"
  wait_until 5 "$1 answers on UDP 53" udp_listening "$1"
}
udp_down() {
  kill "$(cat "/tmp/udp_echo.$1")"
  wait_until 5 "$1 closed UDP 53" udp_closed "$1"
}

lvs_lab NAT
udp_up rs1
udp_up rs2
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 53 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol UDP
    real_server $RS1 53 {
        UDP_CHECK {
            connect_timeout 1
            retry 0
            payload 50 49 4e 47
            require_reply 50 49 4e 47
        }
    }
    real_server $RS2 53 {
        UDP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
wait_until 20 "the UDP service is in the table" ipvs_has dir "UDP  $VIP:53"
wait_until 15 "rs1 in the table" ipvs_has dir "$RS1:53"
wait_until 15 "rs2 in the table" ipvs_has dir "$RS2:53"
ipvs dir
udp_down rs2
wait_until 15 "rs2 left the table (ICMP port unreachable)" ipvs_lacks dir "$RS2:53"
ipvs dir
ipvs_has dir "$RS1:53" || fail "rs1 left the table too"
udp_up rs2
wait_until 15 "rs2 returned to the table" ipvs_has dir "$RS2:53"
ip -n sw link set rs1-eth0 down
wait_until 15 "rs1 left the table (no reply with its link down)" ipvs_lacks dir "$RS1:53"
ipvs dir
ipvs_has dir "$RS2:53" || fail "rs2 left the table too"
ip -n sw link set rs1-eth0 up
wait_until 20 "rs1 returned to the table" ipvs_has dir "$RS1:53"
ipvs dir
director_stop d1
ipvs_lacks dir "$VIP:53" || fail "the service outlived the director: $(ipvs dir)"
log "PASS: $DIRECTOR, UDP_CHECK followed rs2's port and rs1's link down and up"
