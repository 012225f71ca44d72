# vm-directors: keepalived vigild
# SMTP_CHECK (NAT, port 25): each real server is a small SMTP responder (busybox nc
# running a banner / HELO / QUIT dialogue: python and aiosmtpd are not in the image;
# tests/integration/test_check_smtp.py uses the real aiosmtpd on the host).  Both
# enter the table; rs2's server stops and it leaves; restarted, it returns.
. /vigil/lib.sh

lvs_lab NAT
# smtp_up RS: the SMTP dialogue on RS:25 (220 banner naming RS, 250 to HELO,
# 221 to QUIT); smtp_down RS stops it.
smtp_up() {
  script "smtpd-$1" "printf '220 $1 ESMTP\\r\\n'; read l; printf '250 $1 hello\\r\\n'; read l; printf '221 bye\\r\\n'"
  nsenter --net="/run/netns/$1" nc -ll -p 25 -e "/run/lvs/smtpd-$1" > /dev/null 2>&1 &
  echo $! > "/tmp/smtpd.$1"
  wait_until 5 "$1 listens on 25" listening "$1" 25
}
smtp_down() {
  kill "$(cat "/tmp/smtpd.$1")"
  wait_until 5 "$1 stopped listening on 25" not_listening "$1" 25
}
smtp_rs() {
  cat <<RS
    real_server $1 25 {
        SMTP_CHECK {
            connect_timeout 2
            retry 0
            helo_name vm.test
        }
    }
RS
}
smtp_up rs1
smtp_up rs2
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 25 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
$(smtp_rs "$RS1")
$(smtp_rs "$RS2")
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:25" && ipvs_has dir "$RS2:25"; }
wait_until 20 "rs1 and rs2 in the table (their SMTP dialogue passed)" both
ipvs dir
smtp_down rs2
wait_until 20 "rs2 left the table once its SMTP server stopped" ipvs_lacks dir "$RS2:25"
ipvs dir
ipvs_has dir "$RS1:25" || fail "rs1 left the table too"
smtp_up rs2
wait_until 20 "rs2 returned once its SMTP server answered again" both
ipvs dir
director_stop d1
log "PASS: $DIRECTOR: SMTP_CHECK moved rs2 out of the table and back"
