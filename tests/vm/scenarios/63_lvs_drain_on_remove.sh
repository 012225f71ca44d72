# vm-directors: vigild
# drain_on_remove (a vigil extension; keepalived deletes a removed real server at
# once), NAT, real IPVS.  A connection is opened through the VIP and held; the real
# server it went to is removed from the file and vigild reloaded (SIGHUP): in
# `ipvsadm -Ln` that server is at weight 0, not deleted; `vigilctl show vs -j` lists it
# as leaving with the kernel's count of its connections; new requests all reach the
# other server; the held connection's request, sent after the reload, is still answered
# by the removed server; once that connection has closed the server leaves the table,
# with "no connection left", well before drain_on_remove's 600 s.  A cleanly closed
# connection stays in the kernel's table as TIME_WAIT (an inactive connection) for a
# fixed 2 minutes, beyond this scenario's minute: the client's last FIN is dropped
# (nft in the client), so the entry ends in FIN_WAIT, whose timeout lvs_timeouts
# tcpfin sets (2 s).
. /vigil/lib.sh

lvs_lab NAT
rs_up rs1
rs_up rs2
conf() {  # conf RS...: the configuration with these real servers
  printf 'global_defs {\n    router_id vm_director\n    lvs_timeouts tcp 900 tcpfin 2 udp 300\n}\n'
  echo "virtual_server $VIP 80 {"
  printf '    delay_loop 1\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    drain_on_remove 600\n'
  for r in "$@"; do tcp_rs "$r" 80; done
  echo "}"
}
conf "$RS1" "$RS2" > /tmp/lvs.conf
director_check /tmp/lvs.conf
in_ns dir vigild -t -f /tmp/lvs.conf 2>&1 | grep -q "drain_on_remove is a vigil extension" ||
  fail "vigild -t does not say drain_on_remove is a vigil extension"
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:80" && ipvs_has dir "$RS2:80"; }
wait_until 15 "rs1 and rs2 in the table" both
ctl() { vigilctl -s /tmp/d1.sock "$@"; }

# the held connection: its request is written later, through fd 3
hold_connection
dest=$HELD_DEST
case "$dest" in
"$RS1:80") gone=rs1 gone_ip=$RS1 other=rs2 other_ip=$RS2 ;;
"$RS2:80") gone=rs2 gone_ip=$RS2 other=rs1 other_ip=$RS1 ;;
*) fail "the held connection goes to '$dest', neither real server" ;;
esac
log "the held connection goes to $gone ($dest); removing $gone from the file"

conf "$other_ip" > /tmp/lvs.conf
kill -HUP "$(director_pid d1)"
wait_until 20 "$gone at weight 0 in ipvsadm -Ln" weight_is dir "$gone_ip:80" 0
ipvs dir
ctl show vs "$VIP:80"
ctl show vs "$VIP:80" -j > /tmp/vs.json
grep -q '"state": "leaving"' /tmp/vs.json || fail "show vs does not list $gone as leaving: $(cat /tmp/vs.json)"
grep -q "\"name\": \"\\[$gone_ip\\]:tcp:80\"" /tmp/vs.json || fail "show vs does not name $gone: $(cat /tmp/vs.json)"
grep -q '"active_conns": 1' /tmp/vs.json || fail "the held connection is not counted: $(cat /tmp/vs.json)"
ctl status -j | grep -q '"leaving"' || fail "vigilctl status -j has no leaving list"
grep -q "Removing \[$gone_ip\]:tcp:80 from VS .*weight 0 first" /tmp/d1.log || fail "no drain line in the log"
held || fail "the held connection is gone after the reload"
only_from "$other" 4
ipvs_has dir "$gone_ip:80" || fail "$gone was deleted while its connection was open"

in_ns client nft add table inet c || fail "nft table"
in_ns client nft add chain inet c out '{ type filter hook output priority 0; }' || fail "nft chain"
in_ns client nft add rule inet c out ip daddr "$VIP" tcp flags \& fin == fin drop || fail "nft rule"
printf 'GET / HTTP/1.0\r\n\r\n' >&3
exec 3>&-
answered() { grep -q "^$gone\$" /tmp/held.out; }
wait_until 10 "the held connection is answered by the removed $gone" answered
in_ns dir ipvsadm -Lnc
left() { ipvs_lacks dir "$gone_ip:80"; }
wait_until 40 "$gone left the table after its connection closed" left
grep "Removing \[$gone_ip\]:tcp:80" /tmp/d1.log
grep -q "Removing \[$gone_ip\]:tcp:80 from VS .*: no connection left" /tmp/d1.log ||
  fail "$gone did not leave because its connections ended"
in_ns client nft delete table inet c
ipvs dir
from_all 4 "$other"
log "PASS: a removed server keeps its connection at weight 0, takes no new one, and leaves once it has none"
