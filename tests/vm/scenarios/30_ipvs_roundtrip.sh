# Hook for the IPVS round-trip tool (a meson-built test binary from the build dir,
# put in /vigil/bin by tests/vm/build.py when it exists).  Its contract: run with no
# arguments in a fresh network namespace, it adds a service with destinations over
# generic netlink, prints the table in `ipvsadm -Ln` format on stdout and exits 0.
# The kernel's own view through ipvsadm must then be the same table.
. /vigil/lib.sh

tool=/vigil/bin/ipvs_roundtrip
[ -x "$tool" ] || { log "SKIP: $tool is not in this build"; exit 77; }

ns rt
lab_apply
in_ns rt "$tool" > /tmp/tool.out 2> /tmp/tool.err
rc=$?
echo "--- $tool (rc=$rc)"; cat /tmp/tool.out /tmp/tool.err
[ "$rc" = 0 ] || fail "$tool exited $rc"
ipvs rt > /tmp/ipvsadm.out || fail "ipvsadm -Ln"
echo "--- ipvsadm -Ln"; cat /tmp/ipvsadm.out

# Services and destinations only (not the headers), spaces squeezed.
table() { grep -E '^(TCP|UDP|SCTP|FWM) |^  -> [0-9a-f\[]' "$1" | tr -s ' '; }
table /tmp/ipvsadm.out > /tmp/want
table /tmp/tool.out > /tmp/got
grep -q -- '^ -> ' /tmp/want || fail "the kernel has no destination: the tool added nothing"
diff /tmp/want /tmp/got || fail "the tool's table differs from ipvsadm -Ln (diff above: - kernel, + tool)"
log "PASS: $(grep -c . /tmp/want) lines agree with ipvsadm -Ln"
