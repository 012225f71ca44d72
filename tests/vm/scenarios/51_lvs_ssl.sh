# vm-directors: keepalived vigild
# LVS-NAT on port 443 under SSL_GET (openssl s_server -WWW in rs1, rs2, each with a
# self-signed certificate made here: keepalived does not verify it, nor does vigil
# by default).  Both serve the client over TLS; rs2's TLS server is replaced by a
# plain HTTP one on the same port (TCP still accepts, the handshake fails) and rs2
# leaves `ipvsadm -Ln`, the client reaches rs1 only; TLS again and rs2 returns;
# rs2's server is killed and it leaves, restarted and it returns.  vigild:
# `vigilctl status -j` names each failure (tls_failed, connect_refused).
. /vigil/lib.sh
. /vigil/scenarios/http.inc

# ssl_up RS: openssl s_server on 443 in RS serving /tmp/www-RS; waits until it listens.
ssl_up() {
  d_=/tmp/www-$1
  mkdir -p "$d_"
  echo "$1" > "$d_/index.html"
  [ -f "/tmp/$1.key" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=$1" -days 2 -keyout "/tmp/$1.key" -out "/tmp/$1.crt" > /dev/null 2>&1 ||
    fail "openssl req for $1"
  nsenter --net="/run/netns/$1" sh -c "cd $d_ && exec openssl s_server -quiet -accept 443 \
    -cert /tmp/$1.crt -key /tmp/$1.key -WWW" > /dev/null 2>&1 &
  echo $! > "/tmp/ssl.$1"
  wait_until 10 "$1 listens on 443 (TLS)" listening "$1" 443
}
ssl_down() {
  kill "$(cat "/tmp/ssl.$1")"
  wait_until 5 "$1 stopped listening on 443" not_listening "$1" 443
}

# https_get: one HTTP/1.0 request over TLS from the client to the VIP; the body's last line.
https_get() {
  printf 'GET /index.html HTTP/1.0\r\n\r\n' |
    in_ns client timeout 5 openssl s_client -connect "$VIP:443" -quiet -ign_eof 2>/dev/null |
    tail -n 1 | tr -d '\r'
}
# tls_from_all N WHO...: N requests over TLS reach every one of WHO, and nobody else.
tls_from_all() {
  n_=$1; shift
  answers=$(i=0; while [ $i -lt "$n_" ]; do https_get; i=$((i + 1)); done)
  echo "answers:" $answers
  for w_ in "$@"; do echo "$answers" | grep -q "^$w_\$" || fail "none of $n_ TLS requests reached $w_: $answers"; done
  for a_ in $answers; do
    case " $* " in *" $a_ "*) ;; *) fail "a TLS request reached $a_ (want only $*): $answers" ;; esac
  done
}

lvs_lab NAT
ssl_up rs1
ssl_up rs2
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 443 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
$(http_rs "$RS1" 443 "$(digest rs1)" SSL_GET)
$(http_rs "$RS2" 443 "$(digest rs2)" SSL_GET)
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C

wait_until 20 "rs1 in the table" ipvs_has dir "$RS1:443"
wait_until 20 "rs2 in the table" ipvs_has dir "$RS2:443"
ipvs dir
tls_from_all 4 rs1 rs2

ssl_down rs2
rs_up rs2 443
wait_until 15 "rs2 left the table (plain HTTP on 443: the TLS handshake fails)" ipvs_lacks dir "$RS2:443"
ipvs dir
ipvs_has dir "$RS1:443" || fail "rs1 left the table too"
expect_reason "$RS2" tls_failed
tls_from_all 4 rs1
rs_down rs2 443
ssl_up rs2
wait_until 15 "rs2 returned (TLS again)" ipvs_has dir "$RS2:443"
tls_from_all 4 rs1 rs2

ssl_down rs2
wait_until 15 "rs2 left the table (its TLS server killed)" ipvs_lacks dir "$RS2:443"
expect_reason "$RS2" connect_refused
tls_from_all 4 rs1
ssl_up rs2
wait_until 15 "rs2 returned (TLS server restarted)" ipvs_has dir "$RS2:443"
ipvs dir
tls_from_all 4 rs1 rs2
director_stop d1
ipvs_lacks dir "$VIP:443" || fail "the service outlived the director: $(ipvs dir)"
log "PASS: $DIRECTOR: SSL_GET followed rs2's TLS server down and up"
