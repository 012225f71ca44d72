"""nginx in a lab host, a client that fetches through the VIP in a bounded
loop, and the error window it saw: the seeds' architecture (an nginx pair
behind a VIP with a chk_nginx tracker)."""
import os
import signal

from lab import wait_for

NGINX = "/usr/sbin/nginx"
CURL = "/usr/bin/curl"

CHECK = f"{CURL} -s -o /dev/null --max-time 0.5 http://127.0.0.1/"


def chk_nginx(weight=-60, interval="0.1"):
    """The seeds' chk_nginx, as an HTTP check on the node itself (pgrep would
    see every lab node's nginx: the hosts share one process table)."""
    return (f'vrrp_script chk_nginx {{\n  script "{CHECK}"\n  interval {interval}\n'
            f"  timeout 1\n  weight {weight}\n  fall 1\n  rise 1\n}}\n")


class Nginx:
    """nginx in one host, serving a page that names the host."""

    def __init__(self, host):
        self.host = host
        self.dir = host.lab.tempdir(f"nginx-{host.name}-")
        with open(os.path.join(self.dir, "index.html"), "w") as f:
            f.write(f"served by {host.name}\n")
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {self.dir};
  proxy_temp_path {self.dir};
  fastcgi_temp_path {self.dir};
  uwsgi_temp_path {self.dir};
  scgi_temp_path {self.dir};
  server {{ listen 80; root {self.dir}; }}
}}
""")
        self.proc = host.spawn(NGINX, "-c", conf, "-g", "daemon off;")
        ok = wait_for(lambda: host.run(CURL, "-s", "-o", "/dev/null", "http://127.0.0.1/", check=False)
                      .returncode == 0, 10)
        assert ok, f"nginx did not start in {host.name}: {self.proc.poll()}"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)


LOOP = r"""
import sys, time, urllib.request
url, seconds, gap = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
end = time.monotonic() + seconds
while time.monotonic() < end:
    t = time.monotonic()
    try:
        body = urllib.request.urlopen(url, timeout=0.2).read().decode().strip()
        print(f"{t:.6f} ok {body.split()[-1]}", flush=True)
    except Exception as e:
        print(f"{t:.6f} err {type(e).__name__}", flush=True)
    time.sleep(max(0.0, gap - (time.monotonic() - t)))
"""


class Fetcher:
    """A client fetching http://VIP/ every gap seconds for a bounded time."""

    def __init__(self, host, vip, seconds, gap=0.01):
        self.proc = host.spawn("/usr/bin/python3", "-c", LOOP, f"http://{vip}/", str(seconds), str(gap))
        self.lines = []

    def wait_answer(self, name):
        """Block until a request is answered by host name (bounded by the
        loop's own duration); False if the loop ended first."""
        for line in self.proc.stdout:
            self.lines.append(line)
            if line.split()[1:] == ["ok", name]:
                return True
        return False

    def results(self, timeout=30):
        out, _ = self.proc.communicate(timeout=timeout)
        rows = []
        for line in self.lines + out.splitlines():
            t, status, what = line.strip().split(" ", 2)
            rows.append((float(t), status, what))
        return rows


def error_window(rows, old, new):
    """ms from the last answer by old to the first answer by new, and the
    number of failed requests in between; None if the move did not happen."""
    last_old = max((t for t, s, w in rows if s == "ok" and w == old), default=None)
    first_new = min((t for t, s, w in rows if s == "ok" and w == new and (last_old is None or t > last_old)),
                    default=None)
    if last_old is None or first_new is None:
        return None
    failed = sum(1 for t, s, _ in rows if s == "err" and last_old < t < first_new)
    return (first_new - last_old) * 1000.0, failed
