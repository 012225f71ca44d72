# vm-directors: keepalived vigild
# DNS_CHECK (NAT, UDP port 53): each real server runs dnsmasq answering
# www.example.test itself; the checker asks for its A record.  Both enter the table;
# rs2's dnsmasq stops (ICMP port unreachable) and it leaves; restarted, it returns.
. /vigil/lib.sh

lvs_lab NAT
udp_listening() { in_ns "$1" netstat -lun 2>/dev/null | grep -q ":$2 "; }
udp_not_listening() { ! udp_listening "$@"; }
dns_up() {
  ip_=$(eval echo "\$$(echo "$1" | tr a-z A-Z)")
  nsenter --net="/run/netns/$1" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
    --user=root --pid-file="/tmp/dnsmasq.$1.pid" --listen-address="$ip_" --bind-interfaces --port=53 \
    --host-record=www.example.test,10.9.9.9 > "/tmp/dnsmasq.$1.log" 2>&1 &
  echo $! > "/tmp/dns.$1"
  wait_until 5 "$1 answers DNS on 53" udp_listening "$1" 53
}
dns_down() {
  kill "$(cat "/tmp/dns.$1")"
  wait_until 5 "$1 stopped answering on 53" udp_not_listening "$1" 53
}
dns_rs() {
  cat <<RS
    real_server $1 53 {
        DNS_CHECK {
            type A
            name www.example.test
            connect_timeout 2
            retry 0
        }
    }
RS
}
command -v dnsmasq > /dev/null || skip "dnsmasq is not in the image"
dns_up rs1
dns_up rs2
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 53 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol UDP
$(dns_rs "$RS1")
$(dns_rs "$RS2")
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:53" && ipvs_has dir "$RS2:53"; }
wait_until 20 "rs1 and rs2 in the table (their DNS answers passed)" both
ipvs dir
dns_down rs2
wait_until 20 "rs2 left the table once its DNS server stopped" ipvs_lacks dir "$RS2:53"
ipvs dir
ipvs_has dir "$RS1:53" || fail "rs1 left the table too"
dns_up rs2
wait_until 20 "rs2 returned once it answered again" both
ipvs dir
director_stop d1
log "PASS: $DIRECTOR: DNS_CHECK moved rs2 out of the table and back"
