"""FILE_CHECK (issue 15, keepalived-reference.md §1.13): a real server's
health and weight from the number in a track_file, read at start and on
every complete write (inotify on the check worker's loop). Dry-run IPVS
backend on the host."""
from lab import wait_for
from test_check_worker import count, start, status

VIP = "10.231.0.200"


def conf(b, path, tf_extra="", ck_extra="", weight=1):
    return f"""track_file tf {{
  file {path}
{tf_extra}}}
virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  real_server {b.ipv4} 8080 {{
    weight {weight}
    FILE_CHECK {{
      track_file tf
{ck_extra}    }}
  }}
}}
"""


def dest(b, w):
    return f"add dest TCP {VIP}:80 -> {b.ipv4}:8080 masq w{w}"


def edit(b, w):
    return f"edit dest TCP {VIP}:80 -> {b.ipv4}:8080 masq w{w}"


def checker(d):
    return status(d)["check"]["virtual_servers"][0]["real_servers"][0]["checkers"][0]


def test_weight_0_a_non_zero_value_removes_the_server_and_zero_adds_it_back(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    f = tmp_path / "state"
    f.write_text("0\n")
    d = start(a, vigild, conf(b, f, tf_extra="  weight 0\n"))
    rs = f"[{b.ipv4}]:tcp:8080"
    assert wait_for(lambda: count(d, dest(b, 1)) == 1, 5), d.output()
    f.write_text("1\n")
    assert wait_for(lambda: count(d, f"delete dest TCP {VIP}:80 -> {b.ipv4}:8080") == 1, 5), d.output()
    assert f"FILE_CHECK for {rs} failed (track_file down: tf: value 1)." in d.output(), d.output()
    assert f"FILE_CHECK on service {rs} failed." in d.output()
    assert f"Removing service {rs} from VS [{VIP}]:tcp:80" in d.output()
    ck = checker(d)
    assert ck["type"] == "FILE_CHECK" and ck["state"] == "down" and ck["last_result"] == "file_down", ck
    assert ck["file_value"] == 1, ck
    f.write_text("0\n")
    assert wait_for(lambda: count(d, dest(b, 1)) == 2, 5), d.output()
    assert f"FILE_CHECK for {rs} succeeded." in d.output()
    d.stop()


def test_a_down_value_at_start_keeps_the_server_out(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    f = tmp_path / "state"
    f.write_text("7\n")
    d = start(a, vigild, conf(b, f, tf_extra="  weight 0\n"))
    assert wait_for(lambda: f"add service TCP {VIP}:80 wrr" in d.output(), 5), d.output()
    assert checker(d)["state"] == "down", checker(d)
    assert count(d, dest(b, 1)) == 0, d.output()
    f.unlink()          # a missing file reads as 0
    f.write_text("")
    assert wait_for(lambda: count(d, dest(b, 1)) == 1, 5), d.output()
    d.stop()


def test_value_times_weight_changes_the_ipvs_weight(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    f = tmp_path / "state"
    f.write_text("2\n")
    d = start(a, vigild, conf(b, f, ck_extra="      weight 5\n", weight=10))
    assert wait_for(lambda: count(d, dest(b, 20)) == 1, 5), d.output()     # 10 + 2 x 5
    f.write_text("-1\n")
    assert wait_for(lambda: count(d, edit(b, 5)) == 1, 5), d.output()      # 10 - 5
    f.write_text("-4\n")
    assert wait_for(lambda: count(d, edit(b, 0)) == 1, 5), d.output()      # clamped at 0, still in
    assert checker(d)["state"] == "up", checker(d)
    f.write_text("-2147483648\n")   # at or below INT32_MIN: down
    assert wait_for(lambda: count(d, f"delete dest TCP {VIP}:80 -> {b.ipv4}:8080") == 1, 5), d.output()
    d.stop()


def test_reverse_and_the_track_files_init_file_and_weight(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    f = tmp_path / "made"
    # the checker takes the track_file's weight 3 when it gives none; init_file writes 2
    d = start(a, vigild, conf(b, f, tf_extra="  weight 3\n  init_file 2\n", weight=10))
    assert wait_for(lambda: count(d, dest(b, 16)) == 1, 5), d.output()
    assert f.read_text().strip() == "2"
    d.stop()
    f.write_text("2\n")
    d = start(a, vigild, conf(b, f, ck_extra="      weight 3 reverse\n", weight=10))
    assert wait_for(lambda: count(d, dest(b, 4)) == 1, 5), d.output()      # 10 - 2 x 3
    f.write_text("1\n")
    assert wait_for(lambda: count(d, edit(b, 7)) == 1, 5), d.output()
    d.stop()
