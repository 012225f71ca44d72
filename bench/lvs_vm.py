#!/usr/bin/python3
"""The LVS benchmark in the VM: keepalived 2.2.7 and vigild in one boot, as ratios.

The guest (tests/vm/bench/bench_lvs.sh) runs both daemons one after the other on the
same lab and the same files, under qemu TCG: absolute figures mean little, the ratio
vigild / keepalived within the boot is what is reported.  Parts:
  tcp    VS x RS real servers (1,000) under TCP_CHECK at delay_loop 1 s: start to
         every RS in the table, CPU (utime+stime of every process of the daemon) and
         RSS (sum) over a steady window, open fds, the check start times seen by the
         servers (interval between two checks of one server, deviation from
         delay_loop, busiest 10 ms), then a server's death to its removal and its
         return to its re-add (retry 1, delay_before_retry 1).
  big    the same at BIG x RS (10,000), the steady window only: the emulated guest
         saturates there, so a death would time the backlog, not the decision logic.
  http   WEB real servers under HTTP_GET at 1 s (bench_rs -H answers).
  ssl    SSL real servers under SSL_GET at 1 s (bench_rs -S: every TLS connection
         on one epoll loop), vigild without and with tls_session_reuse.
  reload RELOAD_VS virtual servers / RELOAD_RS real servers (2,300 / 37,000), no
         checkers: start to every RS in the table, then SIGHUP with the same file:
         the time until the daemon's processes are quiet again, the kernel changes
         the reload made (counted in the kernel by ftrace on IPVS's two change
         entry points; `ipvsadm -Sn` before and after as a second witness) and the
         RS left unchanged. Each wait is capped (RELOAD_CAP s, reported as "> N s");
         when keepalived's is cut, both daemons run again at a tenth, said so.

    bench/lvs_vm.py                       # 1,000 + 10,000 TCP, 1,000 HTTP, 300 SSL
    bench/lvs_vm.py --big 10 --web 200    # a small validation run
    bench/lvs_vm.py --console FILE        # re-read a saved console, no boot
    bench/lvs_vm.py --json                # the summary as one JSON line (bench/run)
    bench/lvs_vm.py --parts reload        # the reload part alone
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
VM = os.path.join(TOP, "tests", "vm")
OUT = os.path.join(TOP, "build", "vm")
GUEST = "bench_lvs"


def load_runner():
    spec = importlib.util.spec_from_file_location("vm_run", os.path.join(VM, "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(quiet):
    """bench_rs compiled on the host, then the image with it in /vigil/bin."""
    os.makedirs(OUT, exist_ok=True)
    exe = os.path.join(OUT, "bench_rs")
    subprocess.run(["cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe,
                    os.path.join(VM, "bench", "bench_rs.c"), "-lssl", "-lcrypto"], check=True)
    p = subprocess.run([sys.executable, os.path.join(VM, "build.py"), "--extra", exe],
                       capture_output=True, text=True)
    if p.returncode:
        sys.exit("lvs_vm: build.py failed:\n" + p.stdout + p.stderr)
    if not quiet:
        print(p.stdout.strip(), flush=True)


def boot(args):
    """One boot running the guest benchmark; returns its @@BENCH lines."""
    runner = load_runner()
    ns = argparse.Namespace(
        kernel=os.path.join(OUT, "vmlinux"), initrd=os.path.join(OUT, "initramfs.cpio"),
        log=args.log, memory=args.memory, timeout=args.timeout,
        scenario_timeout=args.timeout - 30, run=GUEST,
        append=["vigil.bench_vs=%d" % args.vs, "vigil.bench_big=%d" % args.big, "vigil.bench_rs=%d" % args.rs,
                "vigil.bench_web=%d" % args.web, "vigil.bench_ssl=%d" % args.ssl, "vigil.bench_ssl_delay=%d" % args.ssl_delay,
                "vigil.bench_window=%d" % args.window,
                "vigil.bench_parts=" + args.parts, "vigil.bench_trials=%d" % args.trials,
                "vigil.bench_reload_vs=%d" % args.reload_vs, "vigil.bench_reload_rs=%d" % args.reload_rs,
                "vigil.bench_reload_cap=%d" % args.reload_cap])
    run = runner.Run(args.verbose and not args.json)
    t0 = time.monotonic()
    runner.boot(ns, run)
    rc = run.results.get(GUEST, (None, 0))[0]
    rows = bench_lines(run.output.get(GUEST, []))
    if rc != 0 and len(rows) > 1:
        sys.stderr.write("lvs_vm: the guest benchmark failed in part (rc %s); what it measured is kept\n" % rc)
    elif rc != 0:
        lines = run.output.get(GUEST, [])[-60:]
        sys.exit("lvs_vm: the guest benchmark did not finish (rc %s, %.0f s); its last lines:\n%s"
                 % (rc, time.monotonic() - t0, "\n".join(lines)))
    return rows


def bench_lines(lines):
    out = []
    for text in lines:
        i = text.find("@@BENCH ")
        if i >= 0:
            out.append(json.loads(text[i + len("@@BENCH "):]))
    return out


def from_console(path):
    lines = open(path, errors="replace").read().splitlines()
    return bench_lines(lines)


def footprint(row):
    """CPU % of one core, RSS MB, processes, from the guest's per-process rows."""
    ticks = sum(p["cpu_ticks"] for p in row["procs"])
    sec = row["window_ms"] / 1000
    out = {"cpu_pct": round(100 * ticks / row["hz"] / sec, 2),
           "rss_mb": round(sum(p["rss_kb"] for p in row["procs"]) / 1024, 1),
           "user_pct": round(100 * sum(p.get("utime_ticks", 0) for p in row["procs"]) / row["hz"] / sec, 2)
           if "utime_ticks" in row["procs"][0] else None,
           "system_pct": round(100 * sum(p.get("stime_ticks", 0) for p in row["procs"]) / row["hz"] / sec, 2)
           if "stime_ticks" in row["procs"][0] else None,
           "guest_busy_pct": row.get("guest_busy_pct"), "processes": len(row["procs"]), "fds": row["fds"],
           "start_to_all_ms": row["start_to_all_ms"], "in_table_after": row["in_table_after"],
           "by_process": [{"comm": p["comm"].strip("()"), "cpu_pct": round(100 * p["cpu_ticks"] / row["hz"] / sec, 2),
                           "rss_mb": round(p["rss_kb"] / 1024, 1)} for p in row["procs"]]}
    srv = row.get("servers") or {}
    if "accepts" in srv:
        out["checks_per_s"] = round(srv["accepts"] / srv["seconds"], 1)
        out["servers_seen"] = srv["servers_seen"]
        out["interval_ms"] = srv["interval_ms"]
        out["deviation_ms"] = srv["deviation_ms"]
        out["burst"] = round(srv["peak_10ms"] / srv["mean_10ms"], 1) if srv["mean_10ms"] else None
        out["cpu_ms_per_1000_checks"] = round(out["cpu_pct"] * 10 / (out["checks_per_s"] / 1000), 1) \
            if out["checks_per_s"] else None
    if "cpu_ms" in srv and srv.get("seconds"):
        out["server_cpu_pct"] = round(srv["cpu_ms"] / 10 / srv["seconds"], 1)
    if "ssl_server_cpu_pct" in srv:  # a console of the s_server days
        out["server_cpu_pct"] = srv["ssl_server_cpu_pct"]
    return out


def ratio(a, b):
    return round(a / b, 3) if b else None


def summarize(rows):
    setup = next((r for r in rows if r["part"] == "setup"), {})
    parts = {}
    for r in rows:
        if r["part"] in ("tcp", "big", "http", "ssl"):
            parts.setdefault(r["part"], {"n": r["n"]})[r["impl"]] = footprint(r)
        elif r["part"] == "death":
            parts.setdefault("death", {})[r["impl"]] = {k: r[k] for k in r if k not in ("part", "impl")}
        elif r["part"] == "reload":
            parts.setdefault("reload", {"runs": []})["runs"].append({k: r[k] for k in r if k != "part"})
    if "ssl" in parts:
        parts["ssl"]["delay_s"] = setup.get("ssl_delay_s", 1)
    for name, p in parts.items():
        if name == "reload":
            continue
        k = p.get("keepalived")
        for impl in ("vigild", "vigild+reuse"):
            if k and impl in p and name != "death":
                v = p[impl]
                p.setdefault("ratios", {})[impl] = {
                    m: ratio(v[m], k[m]) for m in ("cpu_pct", "rss_mb", "fds", "start_to_all_ms",
                                                   "cpu_ms_per_1000_checks") if v.get(m) is not None and k.get(m)}
    goals = {}
    tr = parts.get("big", parts.get("tcp", {})).get("ratios", {}).get("vigild", {})
    if tr:
        goals["tcp_cpu_le_quarter"] = tr["cpu_pct"] <= 0.25
        goals["tcp_rss_le_half"] = tr["rss_mb"] <= 0.5
    sr = parts.get("ssl", {}).get("ratios", {})
    if "vigild+reuse" in sr:
        goals["ssl_cpu_le_half"] = sr["vigild+reuse"]["cpu_pct"] <= 0.5
    full = reload_full_vigild(parts)
    if full:
        goals["reload_zero_kernel_changes"] = full.get("kernel_changes") == 0 and full.get("sn_diff_lines") == 0 \
            and full.get("rs_unchanged") == full["n"]
    return {"setup": setup, "parts": parts, "goals": goals}


def reload_full_vigild(parts):
    """vigild's reload run at the full size (the first of its runs)."""
    runs = parts.get("reload", {}).get("runs", [])
    return next((r for r in runs if r["impl"] == "vigild"), None)


def _ms(v, cap):
    """A capped wait: "> N s" when it was cut."""
    if v is None:
        return "-"
    return "> %d s" % cap if v < 0 else f"{v:,}"


def reload_table(p):
    """One table per size the reload part ran at (the full one, and a tenth when
    keepalived's wait was cut)."""
    sizes = []
    for r in p["runs"]:
        if (r["n_vs"], r["n"]) not in sizes:
            sizes.append((r["n_vs"], r["n"]))
    full = sizes[0] if sizes else None
    out = []
    for nvs, n in sizes:
        by = {r["impl"]: r for r in p["runs"] if (r["n_vs"], r["n"]) == (nvs, n)}
        impls = [i for i in ("keepalived", "vigild") if i in by]
        note = "" if (nvs, n) == full else " (a tenth: keepalived's wait was cut at the full size)"
        out += ["| reload of the same file (SIGHUP), %s VS / %s RS, no checkers%s | %s | ratio |"
                % (f"{nvs:,}", f"{n:,}", note, " | ".join(impls)), "|---|" + "---|" * (len(impls) + 1)]
        k, v = by.get("keepalived"), by.get("vigild")

        def row(label, key, fmt=lambda r, x: "-" if x is None else f"{x:,}", ratio_ok=False):
            cells = [fmt(by[i], by[i].get(key)) for i in impls]
            rt = ""
            kv, vv = (k or {}).get(key), (v or {}).get(key)
            if ratio_ok and kv is not None and vv is not None and vv >= 0 and kv > 0:
                rt = "%.3f" % (vv / kv)
            elif ratio_ok and kv is not None and vv is not None and vv >= 0 and kv < 0 and key.endswith("_ms"):
                rt = "< %.3f" % (vv / (k["cap_s"] * 1000))   # keepalived's wait was cut at the cap
            out.append("| %s | %s | %s |" % (label, " | ".join(cells), rt))
        row("start to every RS in the table (ms)", "start_to_all_ms", lambda r, x: _ms(x, r["cap_s"]), True)
        row("IPVS change requests at start (ftrace; services + destinations)", "start_changes")
        row("SIGHUP to the reload applied: the processes quiet again (ms)", "reload_ms",
            lambda r, x: _ms(x, r["cap_s"]) if r.get("start_to_all_ms", -1) >= 0 else "not reached", True)
        row("CPU of the reload, all processes (ms)", "reload_cpu_ms",
            lambda r, x: "-" if r.get("reload_ms") is None or r["reload_ms"] < 0 and not x else f"{x:,}", True)
        row("kernel changes made by the reload (ftrace: IPVS change requests)", "kernel_changes",
            lambda r, x: "-" if x is None else ("lost (trace buffer)" if x < 0 else
                                               (f"≥ {x:,} (cut at the cap)" if r["reload_ms"] < 0 else f"{x:,}")))
        row("`ipvsadm -Sn` lines that differ, before / after (order included)", "sn_diff_lines")
        row("RS unchanged in the table after the reload", "rs_unchanged",
            lambda r, x: "-" if x is None else f"{x:,} of {r['n']:,}")
        if v and v.get("daemon_says"):
            out.append("| vigild's own line | - | %s | |" % v["daemon_says"].replace("|", "/") if k else
                       "| vigild's own line | %s | |" % v["daemon_says"].replace("|", "/"))
        out.append("")
    out += ["The kernel's changes are counted in the kernel, for both daemons alike: ftrace's function tracer on "
            "IPVS's two entry points for a change request, `ip_vs_genl_set_cmd` (generic netlink: new, set, delete "
            "of a service or destination) and `do_ip_vs_set_ctl` (the older setsockopt interface), from SIGHUP "
            "until the processes are quiet; reads and dumps go elsewhere and are not counted. The count at start "
            "(every service and destination added once) shows the counter sees every request. `ipvsadm -Sn` "
            "before and after is the second witness: a destination deleted and added again moves to the head of "
            "its service's list, so even a delete+add of the same values changes the text. \"Applied\" is the "
            "moment the daemon's processes stopped using CPU (no jiffy for 2 s, polled every 0.2 s): the same "
            "measure for both, as keepalived logs no end of reload.", ""]
    full = [r for r in p["runs"] if (r["n_vs"], r["n"]) == sizes[0]] if sizes else []
    wall = {r["impl"]: r for r in full if r.get("reload_ms", -1) >= 0}
    if "vigild" in wall and "keepalived" in wall:
        v, k = wall["vigild"], wall["keepalived"]
        out += [f"Of the time to quiet, the processes used the CPU {100 * v['reload_cpu_ms'] / v['reload_ms']:.0f} % "
                f"(vigild) and {100 * k['reload_cpu_ms'] / k['reload_ms']:.0f} % (keepalived). That time ends at the "
                "last jiffy charged to the daemon, so a stray jiffy (a heartbeat, a timer) within 2 s of the last one "
                "pushes it later, and the guest's one CPU is shared with the poll itself (a few execs every "
                "0.2 s under emulation): the CPU of the reload is the steadier figure of the two. The start "
                "to every RS in the table is the other half of the picture: keepalived adds its destinations "
                f"at {k['n'] / (k['start_to_all_ms'] / 1000):,.0f} a second here, vigild at "
                f"{v['n'] / (v['start_to_all_ms'] / 1000):,.0f}.", ""]
    return out


def show(s):
    out = ["LVS in the VM (%s; one boot, %s s windows)" % (s["setup"].get("keepalived", "?"),
                                                          s["setup"].get("window_s", "?"))]
    for name in ("tcp", "big", "http", "ssl"):
        p = s["parts"].get(name)
        if not p:
            continue
        out.append("%s, %d real servers:" % (name, p["n"]))
        for impl in ("keepalived", "vigild", "vigild+reuse"):
            if impl in p:
                f = p[impl]
                out.append("  %-13s cpu %6.2f %%  rss %6.1f MB  fds %5d  start-to-all %6d ms  checks/s %s  "
                           "interval p50/p99 %s" % (impl, f["cpu_pct"], f["rss_mb"], f["fds"], f["start_to_all_ms"],
                                                    f.get("checks_per_s", "-"), f.get("interval_ms", "-")))
        out.append("  ratios: %s" % json.dumps(p.get("ratios", {})))
    if "death" in s["parts"]:
        for impl, d in s["parts"]["death"].items():
            out.append("death: %-10s removal %s ms, re-add %s ms" % (impl, d["removal_ms"], d["readd_ms"]))
    for r in s["parts"].get("reload", {}).get("runs", []):
        out.append("reload: %-10s %d VS / %d RS: start-to-all %s ms, reload %s ms (cap %d s), cpu %s ms, kernel "
                   "changes %s (start %s), ipvsadm -Sn diff %s, unchanged %s" % (
                       r["impl"], r["n_vs"], r["n"], r["start_to_all_ms"], r["reload_ms"], r["cap_s"],
                       r["reload_cpu_ms"], r["kernel_changes"], r["start_changes"], r["sn_diff_lines"],
                       r["rs_unchanged"]))
    out.append("goals: %s" % json.dumps(s["goals"]))
    return "\n".join(out)


def _row(label, p, key, fmt="%s"):
    cells = []
    for impl in ("keepalived", "vigild", "vigild+reuse"):
        if impl in p:
            v = p[impl].get(key)
            cells.append("-" if v is None else fmt % (v,))
    return "| %s | %s |" % (label, " | ".join(cells))


def _table(name, p):
    impls = [i for i in ("keepalived", "vigild", "vigild+reuse") if i in p]
    k = p.get("keepalived", {})
    head = ["| %s, %s real servers | %s | ratio |" % (name, f"{p['n']:,}", " | ".join(impls)),
            "|---|" + "---|" * (len(impls) + 1)]
    rows = []
    for label, key, fmt in (("CPU, all processes (% of the guest's core)", "cpu_pct", "%.2f"),
                            ("of which user time (%)", "user_pct", "%.2f"),
                            ("of which system time (%)", "system_pct", "%.2f"),
                            ("RSS, sum of the processes (MB)", "rss_mb", "%.1f"),
                            ("open file descriptors", "fds", "%d"),
                            ("start to every RS in the table (ms)", "start_to_all_ms", "%d"),
                            ("checks seen by the servers per second", "checks_per_s", "%.0f"),
                            ("CPU per 1,000 checks (ms)", "cpu_ms_per_1000_checks", "%.1f"),
                            ("RS still in the table after the window", "in_table_after", "%d"),
                            ("guest CPU busy in the window (%)", "guest_busy_pct", "%.1f"),
                            ("the servers' own CPU (%)", "server_cpu_pct", "%.1f")):
        if not any(p[i].get(key) is not None for i in impls):
            continue
        ratios = [ratio(p[i][key], k[key]) if p[i].get(key) is not None and k.get(key) else None
                  for i in impls if i != "keepalived"]
        rows.append(_row(label, p, key, fmt)[:-1] + "| %s |" % " / ".join(
            "-" if r is None else "%.2f" % r for r in ratios))
    for label, key in (("interval between two checks of one RS, p50 / p99 (ms)", "interval_ms"),
                       ("its deviation from delay_loop, p50 / p99 (ms)", "deviation_ms")):
        if any(key in p[i] for i in impls):
            rows.append("| %s | %s | |" % (label, " | ".join(
                "%.0f / %.0f" % (p[i][key]["p50"], p[i][key]["p99"]) if key in p[i] else "-" for i in impls)))
    if any(p[i].get("burst") for i in impls):
        rows.append("| busiest 10 ms against the mean | %s | |" % " | ".join(
            "%.1f×" % p[i]["burst"] if p[i].get("burst") else "-" for i in impls))
    return head + rows


def bounds(parts):
    """What decides the ratios, from this run's numbers."""
    out = []
    big, tcp, http, ssl = (parts.get(n) for n in ("big", "tcp", "http", "ssl"))
    if big and "vigild" in big:
        k, v = big["keepalived"], big["vigild"]
        out.append(f"At {big['n']:,} TCP_CHECK the emulated guest is saturated ({k.get('guest_busy_pct')} % / "
                   f"{v.get('guest_busy_pct')} % busy): neither daemon keeps delay_loop 1 s (each server is checked "
                   f"every {k['interval_ms']['p50'] / 1000:.1f} s / {v['interval_ms']['p50'] / 1000:.1f} s), both "
                   f"manage about {k.get('checks_per_s', 0):.0f} / {v.get('checks_per_s', 0):.0f} checks a second, "
                   "so the CPU ratio there only says both spend the guest's whole core; per check it is "
                   f"{big['ratios']['vigild'].get('cpu_ms_per_1000_checks', 0):.2f}. With checks backed up, "
                   f"vigild held {v['fds']:,} descriptors (a socket per server in flight) against {k['fds']:,}, and "
                   f"took {v['start_to_all_ms'] / 1000:.1f} s against {k['start_to_all_ms'] / 1000:.1f} s to put every "
                   "server in the table.")
    if tcp and "vigild" in tcp and tcp["vigild"].get("system_pct") is not None:
        k, v = tcp["keepalived"], tcp["vigild"]
        out.append(f"At {tcp['n']:,} (not saturated) the CPU of a TCP check is the kernel's: system time is "
                   f"{100 * k['system_pct'] / k['cpu_pct']:.0f} % of keepalived's and "
                   f"{100 * v['system_pct'] / v['cpu_pct']:.0f} % of vigild's (connect, SYN/SYN-ACK/ACK and close "
                   "through veth into the servers' namespace are accounted to the checker), so no daemon can get "
                   "under ¼ of another's by user-space work alone; the user time per check is "
                   f"{10 * k['user_pct'] / k['checks_per_s'] * 1000:.1f} / {10 * v['user_pct'] / v['checks_per_s'] * 1000:.1f} µs. "
                   "The system time per check is "
                   f"{10 * k['system_pct'] / k['checks_per_s'] * 1000:.0f} / {10 * v['system_pct'] / v['checks_per_s'] * 1000:.0f} µs: "
                   "vigild closes a connected check with a reset (4 packets instead of 7, no TIME_WAIT socket; "
                   "doc/checkers/tcp.md). Both keep the pace: checks came "
                   f"{k['interval_ms']['p50']:.0f} / {v['interval_ms']['p50']:.0f} ms apart (p50), "
                   f"{k['checks_per_s']:.0f} / {v['checks_per_s']:.0f} checks a second; vigild counts delay_loop "
                   "from a check's start (src/check/decide.c, check_next_due), so the time the emulation takes to "
                   "deliver a check's end does not add to the period.")
    if http and "vigild" in http:
        k, v = http["keepalived"], http["vigild"]
        out.append(f"HTTP_GET: vigild's check worker burns {v['user_pct']:.0f} % user time against keepalived's "
                   f"{k['user_pct']:.0f} % (libcurl multi: per check {v.get('cpu_ms_per_1000_checks', 0) / 1000:.1f} ms "
                   f"against {k.get('cpu_ms_per_1000_checks', 0) / 1000:.1f} ms of CPU), saturates the guest, "
                   f"and checks {v.get('checks_per_s', 0):.0f} servers a second instead of ~1,000 (keepalived "
                   f"{k.get('checks_per_s', 0):.0f}); "
                   + (f"{http['n'] - v['in_table_after']} of {http['n']} servers left the table "
                      "(`connect_timeout` bounds the whole probe, doc/checkers/http.md)."
                      if v['in_table_after'] < http['n'] else f"every one of the {http['n']} stayed in the table."))
    if ssl and "vigild" in ssl:
        kept = ", ".join("%s %d" % (i, ssl[i]["in_table_after"]) for i in ("keepalived", "vigild", "vigild+reuse")
                         if i in ssl)
        cpu = " / ".join("%s %.1f %%" % (i, ssl[i]["cpu_pct"]) for i in ("keepalived", "vigild", "vigild+reuse")
                         if i in ssl)
        per = " / ".join("%s %.0f ms" % (i, ssl[i]["cpu_ms_per_1000_checks"])
                         for i in ("keepalived", "vigild", "vigild+reuse")
                         if i in ssl and ssl[i].get("cpu_ms_per_1000_checks") is not None)
        out.append("SSL_GET: the servers are `bench_rs -S`, every TLS connection on one epoll loop with OpenSSL's "
                   "defaults (TLS 1.3, session tickets), so a checker that offers a ticket resumes; they "
                   "timestamp each connection they accept, as for the other parts. Under emulation one handshake "
                   "costs each end tens of milliseconds of the guest's one CPU, so the checks run at delay_loop "
                   f"{ssl.get('delay_s', 1)} s to stay below saturation (300 servers at 1 s saturated it "
                   "and every daemon lost servers); the figure to compare is the CPU per check. "
                   f"Of {ssl['n']} real servers {kept} were still in the table after the window. "
                   f"CPU: {cpu}; per 1,000 checks: {per or 'not measured'}.")
    return sum(([p_, ""] for p_ in out), [])


def markdown(s):
    """The LVS section of bench/RESULTS.md and its targets, from a summary."""
    if not s:
        return ["Not measured yet: `bench/run --only lvs` (one VM boot, about 15 minutes)."], []
    setup, parts = s["setup"], s["parts"]
    out = [f"One boot of the VM layer (qemu TCG, 1 vCPU, {setup.get('mem_kb', 0) // 1024} MiB, kernel "
           f"{setup.get('kernel', '?')}), {setup.get('keepalived', 'keepalived')} then vigild on the same lab and "
           f"files, `-C` (checker only), delay_loop 1 s, {setup.get('window_s', '?')} s windows. Under software "
           "emulation only the ratio vigild / keepalived means something. The servers timestamp every check "
           "they accept (no tcpdump): `tests/vm/bench/bench_rs.c`."
           + (f" {setup['boots']}." if setup.get("boots") else ""), ""]
    for name, title in (("big", "TCP_CHECK"), ("tcp", "TCP_CHECK"), ("http", "HTTP_GET"), ("ssl", "SSL_GET")):
        if name in parts:
            out += _table(title, parts[name]) + [""]
    if "reload" in parts:
        if parts["reload"].get("date"):
            out += [f"Reload part measured {parts['reload']['date']} UTC in a boot of its own "
                    "(`bench/run --only lvs --lvs-parts reload`).", ""]
        out += reload_table(parts["reload"])
    d = parts.get("death")
    if d:
        out += ["| a server refuses (nft reset) / accepts again: TCP_CHECK, delay_loop 1 s, retry 1, "
                "delay_before_retry 1 s | keepalived | vigild |", "|---|---|---|"]
        for label, key, bound in (("death to removal (ms), promised ≤ delay_loop + retry × delay_before_retry "
                                   "= 2,000", "removal_ms", 2000),
                                  ("return to re-add (ms), promised ≤ delay_loop = 1,000", "readd_ms", 1000)):
            out.append("| %s | %s |" % (label, " | ".join(
                ", ".join(str(x) for x in d[i][key]) if i in d else "-" for i in ("keepalived", "vigild"))))
        out.append("")
    out += bounds(parts)
    g = s.get("goals", {})
    yes = lambda ok: "met" if ok else "**missed**"
    big = parts.get("big", parts.get("tcp", {}))
    tr = big.get("ratios", {}).get("vigild", {})
    sr = parts.get("ssl", {}).get("ratios", {}).get("vigild+reuse", {})
    targets = []
    if "tcp_cpu_le_quarter" in g:
        targets.append(f"- LVS, {big['n']:,} TCP_CHECK: CPU ≤ ¼ of keepalived's: "
                       f"{yes(g['tcp_cpu_le_quarter'])} ({tr['cpu_pct']:.2f}; per check "
                       f"{tr.get('cpu_ms_per_1000_checks', 0):.2f})")
        targets.append(f"- LVS, {big['n']:,} TCP_CHECK: RSS ≤ ½ of keepalived's: "
                       f"{yes(g['tcp_rss_le_half'])} ({tr['rss_mb']:.2f})")
    full = reload_full_vigild(parts)
    if "reload_zero_kernel_changes" in g:
        targets.append(f"- LVS, reload of the same file at {full['n_vs']:,} VS / {full['n']:,} RS in the VM: zero "
                       f"kernel changes, every RS kept: {yes(g['reload_zero_kernel_changes'])} "
                       f"({full['kernel_changes']} IPVS change requests, {full['rs_unchanged']:,} of "
                       f"{full['n']:,} RS unchanged)")
    if "ssl_cpu_le_half" in g:
        targets.append(f"- LVS, {parts['ssl']['n']:,} SSL_GET with tls_session_reuse: CPU ≤ ½ of keepalived's: "
                       f"{yes(g['ssl_cpu_le_half'])} ({sr['cpu_pct']:.2f}; per check "
                       + ("%.2f)" % sr["cpu_ms_per_1000_checks"] if sr.get("cpu_ms_per_1000_checks") else "not measured)"))
    return out, targets


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vs", type=int, default=10, help="TCP_CHECK virtual servers, with deaths (default 10)")
    ap.add_argument("--big", type=int, default=100, help="TCP_CHECK virtual servers at scale (default 100)")
    ap.add_argument("--rs", type=int, default=100, help="real servers per virtual server (default 100)")
    ap.add_argument("--web", type=int, default=1000, help="HTTP_GET real servers (default 1000)")
    ap.add_argument("--ssl", type=int, default=50, help="SSL_GET real servers, 10 addresses per port (default 50)")
    ap.add_argument("--ssl-delay", type=int, default=10,
                    help="SSL_GET delay_loop, s (default 10: a handshake costs tens of ms of the emulated CPU)")
    ap.add_argument("--window", type=int, default=20, help="steady window, seconds (default 20)")
    ap.add_argument("--trials", type=int, default=3, help="death/return trials (default 3)")
    ap.add_argument("--parts", default="tcp,big,http,ssl,reload")
    ap.add_argument("--reload-vs", type=int, default=2300, help="part reload: virtual servers (default 2300)")
    ap.add_argument("--reload-rs", type=int, default=37000, help="part reload: real servers (default 37000)")
    ap.add_argument("--reload-cap", type=int, default=400, help="part reload: seconds per wait (default 400)")
    ap.add_argument("--memory", type=int, default=3072, help="guest MiB (default 3072)")
    ap.add_argument("--timeout", type=int, default=3000, help="whole boot, seconds")
    ap.add_argument("--log", default=os.path.join(OUT, "bench-console.log"))
    ap.add_argument("--console", help="parse this saved console log instead of booting")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the guest's output")
    args = ap.parse_args()
    if args.console:
        rows = from_console(args.console)
    else:
        if not args.no_build:
            build(args.json)
        rows = boot(args)
    s = summarize(rows)
    if not args.json:
        print(show(s))
        print("\n".join(markdown(s)[0] + markdown(s)[1]))
    print(json.dumps({"lvs_vm": s}))


if __name__ == "__main__":
    main()
