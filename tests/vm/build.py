#!/usr/bin/python3
"""Build the VM layer's guest in build/vm/: an ELF vmlinux and an uncompressed initramfs.

The host kernel has no IPVS (and no module loading), so the IPVS tests boot Debian's
kernel under qemu TCG.  The measured recipe (shared/reference/lab-notes.md §4): the
ELF vmlinux boots through the PVH entry and skips about 3 s of in-guest decompression,
and an uncompressed cpio skips the rest.

The initramfs holds busybox, kmod (a real modprobe: the kernel's request_module()
loads schedulers on demand and keepalived runs `modprobe ip_vs` itself), ipvsadm, ip,
nft, keepalived, openssl (the TLS scenarios), vigild, vigil-checker and vigilctl, every shared library
they link (ldd) or open at run time (the LAZYLIB sonames in src/), the modules the scenarios need with their
dependency closure, tests/vm/init as /init and tests/vm/scenarios/ as /vigil/scenarios.

Extra binaries from the build dir (test tools other layers build, such as the IPVS
round-trip tool) go in with --extra PATH or, when they exist, from EXTRAS below;
they land in /vigil/bin under their base name.
"""
import argparse
import glob
import lzma
import os
import re
import stat
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

# Host tools copied as they are; each brings its ldd closure.
TOOLS = ["/usr/bin/busybox", "/usr/bin/kmod", "/usr/sbin/ipvsadm", "/usr/bin/ip",
         "/usr/sbin/nft", "/usr/sbin/keepalived",
         # the DNS server of the DNS_CHECK scenario (53_lvs_dns)
         "/usr/sbin/dnsmasq",
         # TLS real servers and client for 51_lvs_ssl (s_server -WWW, s_client, req)
         "/usr/bin/openssl"]
# Host files copied as they are (openssl reads its config even for `req -subj`).
FILES = ["/usr/lib/ssl/openssl.cnf"]
KMOD_LINKS = ["modprobe", "insmod", "rmmod", "lsmod", "depmod", "modinfo"]

# Modules (with their dependency closure) put in the image.  Only BOOT_MODULES are
# loaded by /init; the rest are there for modprobe, which the kernel calls itself for
# schedulers (ip_vs_*), link kinds (rtnl-link-*) and nftables expressions.
MODULES = ["ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_lc", "ip_vs_wlc", "ip_vs_fo",
           "ip_vs_ovf", "ip_vs_lblc", "ip_vs_lblcr", "ip_vs_dh", "ip_vs_sh", "ip_vs_mh",
           "ip_vs_sed", "ip_vs_nq", "nf_conntrack", "veth", "bridge", "dummy", "macvlan",
           "ipip", "ip6_tunnel", "ip_gre", "fou", "fou6", "nf_tables", "nft_ct",
           "nft_reject_inet", "nft_chain_nat", "nft_nat", "nft_compat"]

# Build-dir binaries that go in when they exist (relative to the build dir).
EXTRAS = ["tests/ipvs_roundtrip", "tests/udp_echo"]


def sh(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def kernel_version(explicit):
    """The most recently installed kernel that has its modules (what apt just put in)."""
    if explicit:
        return explicit
    kernels = [(os.path.getmtime(p), os.path.basename(p)[len("vmlinuz-"):])
               for p in glob.glob("/boot/vmlinuz-*")]
    kernels = sorted(k for k in kernels if os.path.isdir("/lib/modules/" + k[1]))
    if not kernels:
        sys.exit("vm-build: no /boot/vmlinuz-* with modules; run scripts/install-deps vm")
    return kernels[-1][1]


def extract_vmlinux(vmlinuz, out):
    """The kernel's scripts/extract-vmlinux method: find a compressed stream in the
    bzImage and keep the first one that decompresses to an ELF image.  Kept per
    kernel version, as OUT-KVER, with OUT a link to it."""
    versioned = out + "-" + os.path.basename(vmlinuz)[len("vmlinuz-"):]
    if not (os.path.exists(versioned) and os.path.getmtime(versioned) >= os.path.getmtime(vmlinuz)):
        _extract(vmlinuz, versioned)
    if os.path.lexists(out):
        os.unlink(out)
    os.symlink(os.path.basename(versioned), out)


def _extract(vmlinuz, out):
    data = open(vmlinuz, "rb").read()
    methods = [(b"\xfd7zXZ\x00", lambda b: lzma.LZMADecompressor().decompress(b)),
               (b"\x1f\x8b\x08", lambda b: zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(b))]
    for magic, unpack in methods:
        pos = data.find(magic)
        while pos >= 0:
            try:
                elf = unpack(data[pos:])
            except Exception:  # noqa: BLE001 - a false magic match; try the next one
                elf = b""
            if elf[:4] == b"\x7fELF":
                with open(out + ".tmp", "wb") as f:
                    f.write(elf)
                os.replace(out + ".tmp", out)
                return
            pos = data.find(magic, pos + 1)
    sys.exit("vm-build: no ELF image found in " + vmlinuz)


def usr_path(p):
    """Debian 12 is merged-/usr: /lib, /bin, /sbin and /lib64 are links into /usr."""
    for d in ("/lib64/", "/lib/", "/bin/", "/sbin/"):
        if p.startswith(d):
            return "/usr" + p
    return p


class Image:
    """The staging tree kept in memory: path -> (mode, content or link target)."""

    def __init__(self):
        self.entries = {}

    def dir(self, path, mode=0o755):
        path = path.rstrip("/") or "/"
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            p = "/" + "/".join(parts[:i])
            self.entries.setdefault(p, (stat.S_IFDIR | mode, b""))

    def file(self, path, data, mode=0o644):
        self.dir(os.path.dirname(path))
        self.entries[path] = (stat.S_IFREG | mode, data)

    def link(self, path, target):
        self.dir(os.path.dirname(path))
        self.entries.setdefault(path, (stat.S_IFLNK | 0o777, target.encode()))

    def node(self, path, major, minor, mode=0o600):
        self.dir(os.path.dirname(path))
        self.entries[path] = (stat.S_IFCHR | mode, (major, minor))

    def copy(self, host, dest=None):
        dest = dest or usr_path(host)
        if dest in self.entries:
            return
        st = os.stat(host)
        self.file(dest, open(host, "rb").read(), stat.S_IMODE(st.st_mode))

    def size(self):
        return sum(len(d) for m, d in self.entries.values() if stat.S_ISREG(m))

    def write_cpio(self, out):
        """newc format, owned by root, mtime 0: the same inputs give the same bytes."""
        with open(out + ".tmp", "wb") as f:
            for ino, path in enumerate(sorted(self.entries), start=1):
                mode, data = self.entries[path]
                rdev = (0, 0)
                if stat.S_ISCHR(mode):
                    rdev, data = data, b""
                _cpio_entry(f, ino, path.lstrip("/") or ".", mode, data, rdev)
            _cpio_entry(f, 0, "TRAILER!!!", 0, b"", (0, 0))
            f.write(b"\0" * (-f.tell() % 512))
        os.replace(out + ".tmp", out)


def _cpio_entry(f, ino, name, mode, data, rdev):
    nlink = 2 if stat.S_ISDIR(mode) else 1
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0))
    f.write(hdr.encode() + name_b)
    f.write(b"\0" * (-f.tell() % 4))
    f.write(data)
    f.write(b"\0" * (-f.tell() % 4))


LDD_RE = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x")


def add_with_libs(img, binary, dest=None):
    img.copy(binary, dest)
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = LDD_RE.search(line)
        if m:
            img.copy(os.path.realpath(m.group(1)), usr_path(m.group(1)))


def lazy_sonames():
    """The libraries vigild opens with dlopen (src/common/lazylib.c), read from src/
    so a new LAZYLIB needs no change here."""
    names = set()
    for src in glob.glob(os.path.join(TOP, "src", "**", "*.c"), recursive=True):
        names.update(re.findall(r'LAZYLIB\("([^"]+)"', open(src).read()))
    return sorted(names)


def soname_path(soname):
    for line in sh("ldconfig", "-p").splitlines():
        parts = line.strip().split(" => ")
        if len(parts) == 2 and parts[0].split()[0] == soname and "x86-64" in parts[0]:
            return parts[1]
    return None


def add_modules(img, kver):
    seen = []
    for mod in MODULES:
        out = subprocess.run(["modprobe", "-S", kver, "--show-depends", "--", mod],
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit("vm-build: module %s: %s" % (mod, out.stderr.strip()))
        for line in out.stdout.splitlines():
            if line.startswith("insmod "):
                path = line.split()[1]
                if path not in seen:
                    seen.append(path)
                    img.copy(path)
    moddir = "/lib/modules/" + kver
    for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
        img.copy(os.path.join(moddir, f))
    return seen


def run_depmod(img, kver, workdir):
    """depmod needs a real tree: write the modules out, run it, read its indexes back."""
    root = os.path.join(workdir, "depmod-root")
    subprocess.run(["rm", "-rf", root], check=True)
    base = "/usr/lib/modules/" + kver
    for path, (mode, data) in img.entries.items():
        if path.startswith(base + "/") and stat.S_ISREG(mode):
            dest = root + "/lib/modules/" + kver + path[len(base):]
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(data)
    sh("depmod", "-b", root, kver)
    for idx in glob.glob(root + "/lib/modules/" + kver + "/modules.*"):
        img.file(base + "/" + os.path.basename(idx), open(idx, "rb").read())
    subprocess.run(["rm", "-rf", root], check=True)


def add_base(img):
    for d in ("/proc", "/sys", "/dev", "/tmp", "/run", "/var", "/etc", "/root",
              "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/vigil/bin"):
        img.dir(d)
    for top in ("bin", "sbin", "lib", "lib64"):
        img.link("/" + top, "usr/" + top)
    img.link("/var/run", "../run")
    img.node("/dev/console", 5, 1)
    img.node("/dev/null", 1, 3, 0o666)
    img.file("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n")
    img.file("/etc/group", b"root:x:0:\nnogroup:x:65534:\n")
    img.file("/etc/hosts", b"127.0.0.1 localhost\n")


def add_busybox_applets(img):
    for applet in sh("/usr/bin/busybox", "--list-full").split():
        img.link(usr_path("/" + applet), "/usr/bin/busybox")


def add_vigil(img, build_dir, extras):
    added = []
    # vigil-checker beside vigild, where the supervisor looks first
    for name in ("src/vigild", "src/vigil-checker", "src/vigilctl"):
        path = os.path.join(build_dir, name)
        if not os.path.exists(path):
            sys.exit("vm-build: %s missing; run make first" % path)
        add_with_libs(img, path, "/usr/sbin/" + os.path.basename(name))
    for soname in lazy_sonames():
        path = soname_path(soname)
        if not path:
            sys.exit("vm-build: %s (opened at run time by vigild) is not installed" % soname)
        add_with_libs(img, os.path.realpath(path), usr_path(path))
    for rel in list(EXTRAS) + list(extras):
        path = rel if os.path.isabs(rel) else os.path.join(build_dir, rel)
        if os.path.exists(path):
            add_with_libs(img, path, "/vigil/bin/" + os.path.basename(path))
            added.append(os.path.basename(path))
        elif rel in extras:
            sys.exit("vm-build: --extra %s does not exist" % path)
    return added


def run_names(path, name):
    """A scenario whose header says `# vm-directors: keepalived vigild` runs once per
    director (NAME@keepalived, NAME@vigild; /init sets DIRECTOR); demo_*.sh are in the
    image but only run when named (scripts/demo does)."""
    for line in open(path):
        m = re.match(r"#\s*vm-directors:\s*(.+)", line)
        if m:
            return ["%s@%s" % (name, d) for d in m.group(1).split()]
    return [name]


def add_tests(img):
    img.file("/init", open(os.path.join(HERE, "init"), "rb").read(), 0o755)
    img.file("/vigil/lib.sh", open(os.path.join(HERE, "lib.sh"), "rb").read())
    names = []
    for path in sorted(glob.glob(os.path.join(HERE, "scenarios", "*"))):
        base = os.path.basename(path)
        if base.endswith(".sh") and not base.startswith("demo_"):
            names += run_names(path, base[:-3])
        mode = 0o755 if base.endswith(".sh") else 0o644
        img.file("/vigil/scenarios/" + base, open(path, "rb").read(), mode)
    # The benchmark's guest scripts (bench/lvs_vm.py names them; never in the list)
    for path in sorted(glob.glob(os.path.join(HERE, "bench", "*.sh"))):
        img.file("/vigil/scenarios/" + os.path.basename(path), open(path, "rb").read(), 0o755)
    # The seeds' LVS-DR configuration, which 46_lvs_seed_dr adapts and runs.
    seed = os.path.join(TOP, "tests", "configs", "001-lvs-dr.conf")
    img.file("/vigil/configs/001-lvs-dr.conf", open(seed, "rb").read())
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=None, help="default: BUILD_DIR/vm")
    ap.add_argument("--kver", default=None, help="kernel version (default: newest installed)")
    ap.add_argument("--extra", action="append", default=[],
                    help="another binary (path, or relative to the build dir) for /vigil/bin")
    args = ap.parse_args()
    out = args.out or os.path.join(args.build_dir, "vm")
    os.makedirs(out, exist_ok=True)
    t0 = time.monotonic()
    kver = kernel_version(args.kver)
    extract_vmlinux("/boot/vmlinuz-" + kver, os.path.join(out, "vmlinux"))

    img = Image()
    add_base(img)
    for tool in TOOLS:
        add_with_libs(img, tool)
    for path in FILES:
        img.copy(os.path.realpath(path), path)
    for name in KMOD_LINKS:
        img.link("/usr/sbin/" + name, "/usr/bin/kmod")
    img.link("/usr/sbin/ip", "/usr/bin/ip")
    extras = add_vigil(img, args.build_dir, args.extra)
    add_busybox_applets(img)  # after the real tools: an applet never shadows one
    mods = add_modules(img, kver)
    run_depmod(img, kver, out)
    scenarios = add_tests(img)
    img.file("/vigil/kver", kver.encode() + b"\n")
    img.file("/vigil/lazylibs", ("\n".join(lazy_sonames()) + "\n").encode())
    img.file("/vigil/scenarios.list", ("\n".join(scenarios) + "\n").encode())
    with open(os.path.join(out, "scenarios.txt"), "w") as f:
        f.write("\n".join(scenarios) + "\n")
    cpio = os.path.join(out, "initramfs.cpio")
    img.write_cpio(cpio)
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        for path in sorted(img.entries):
            mode, data = img.entries[path]
            if stat.S_ISREG(mode):
                f.write("%9d %s\n" % (len(data), path))
    print("vm-build: kernel %s, %d modules, %d files, initramfs %.1f MB (%s), extras: %s, %.1f s"
          % (kver, len(mods), len(img.entries), os.path.getsize(cpio) / 1e6, cpio,
             " ".join(extras) or "none", time.monotonic() - t0))


if __name__ == "__main__":
    main()
