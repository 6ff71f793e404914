"""The Debian package: cpack -G DEB, then look inside with dpkg-deb.

Which build dir is packaged: the one LIQWATCH_BIN was built in (cpack there takes seconds).
If that dir was configured with a prefix other than /usr and the binary has that prefix's data
dir compiled in, cpack refuses it (cmake/install.cmake); then a second build dir is configured
under LIQWATCH_ARTIFACTS with -DCMAKE_INSTALL_PREFIX=/usr and only `liqwatch` is built there:
slow on a small machine the first time, incremental after. Configure the main build with
-DCMAKE_INSTALL_PREFIX=/usr to never need that.

Checks: control fields (name, version, architecture, Depends from dpkg-shlibdeps), the file
layout (binary, unit, sysusers/tmpfiles, config as conffiles, migrations, docs, web assets),
the copyright file and changelog, a man page per command generated from the binary's --help,
the hardening of the packaged binary, maintainer scripts that never enable or start the
service (run against stand-ins for the systemd tools: this host's systemd must not be touched),
that `cmake --install` into a DESTDIR lays out the same files, that systemd's tools accept what
is in the package, and lintian's verdict (no error, no warning outside LINTIAN_ALLOWED).

Environment: LIQWATCH_BIN (required), LIQWATCH_SOURCE_DIR, LIQWATCH_ARTIFACTS.
"""

import gzip
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

BIN = os.environ.get("LIQWATCH_BIN", "")
SOURCE_DIR = Path(os.environ.get("LIQWATCH_SOURCE_DIR", Path(__file__).resolve().parents[2]))
ARTIFACTS = Path(os.environ.get("LIQWATCH_ARTIFACTS") or tempfile.mkdtemp(prefix="lw-pkg-"))
HOST_UNIT_DIRS = [Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")]
# Libraries the daemon is built on (DESIGN.md); each must surface in Depends via shlibdeps.
EXPECTED_DEPENDS = ["libc6", "libstdc++6", "libcurl4", "libsqlite3-0", "libyaml-cpp0.7",
                    "systemd"]
# Lintian warnings (W:) accepted, each with the reason. Errors (E:) are never accepted. A tag
# listed here that lintian no longer emits fails the test too, so the list cannot go stale.
LINTIAN_ALLOWED = {
}
DEP5_FORMAT = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"


def run(*args, check=True, timeout=600, **kwargs):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                       errors="replace", timeout=timeout, **kwargs)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {r.returncode}:\n"
                             f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def require_tool(name, package):
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"{name} not found: apt-get install {package}")
    return path


def cmake_cache(build_dir):
    cache = {}
    path = Path(build_dir) / "CMakeCache.txt"
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            m = re.match(r"^([A-Za-z0-9_]+):[A-Z]+=(.*)$", line)
            if m:
                cache[m.group(1)] = m.group(2)
    return cache


def project_version():
    m = re.search(r"project\(\s*liqwatch\s+VERSION\s+([0-9.]+)",
                  (SOURCE_DIR / "CMakeLists.txt").read_text())
    assert m, "no project(liqwatch VERSION ...) in CMakeLists.txt"
    return m.group(1)


def package_names(depends):
    """'a (>= 1), b | c' -> {'a', 'b', 'c'}"""
    names = set()
    for clause in depends.split(","):
        for alt in clause.split("|"):
            alt = alt.strip()
            if alt:
                names.add(re.split(r"[\s(:]", alt, maxsplit=1)[0])
    return names


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*")
                  if p.is_file() or p.is_symlink())


def build_with_prefix_usr():
    """A second build dir configured with prefix /usr, with an up-to-date liqwatch binary."""
    cache = cmake_cache(Path(BIN).resolve().parent)
    pkg = ARTIFACTS / "pkg-build"
    print(f"\nbuilding liqwatch with prefix /usr in {pkg} (configure the main build with "
          "-DCMAKE_INSTALL_PREFIX=/usr to skip this)", flush=True)
    args = ["cmake", "-S", SOURCE_DIR, "-B", pkg, "-DCMAKE_INSTALL_PREFIX=/usr",
            "-DLIQWATCH_BUILD_TESTS=OFF", "-DLIQWATCH_BUILD_BENCH=OFF"]
    if cache.get("CMAKE_BUILD_TYPE"):
        args.append(f"-DCMAKE_BUILD_TYPE={cache['CMAKE_BUILD_TYPE']}")
    if not (pkg / "CMakeCache.txt").exists() and shutil.which("ninja"):
        args += ["-G", "Ninja"]
    started = time.monotonic()
    run(*args)
    run("cmake", "--build", pkg, "--target", "liqwatch", "liqwatch-man", timeout=3600)
    print(f"built in {time.monotonic() - started:.0f}s", flush=True)
    return pkg


def subcommands(*words):
    """The names under "Subcommands:" in `liqwatch <words> --help` (two-space indented)."""
    text = run(BIN, *words, "--help").stdout
    names, listing = [], False
    for line in text.splitlines():
        if line.startswith("Subcommands:"):
            listing = True
        elif not line.strip():
            listing = False
        elif listing and re.match(r"^  \S", line):
            names.append(line.split()[0])
    return names


def commands(*words):
    """Every command path below `liqwatch <words>`, depth first: [(), ('alerts',), ...]."""
    found = [words]
    for name in subcommands(*words):
        found += commands(*words, name)
    return found


def cpack(build, out):
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return run("cpack", "-G", "DEB", "--config", build / "CPackConfig.cmake", "-B", out,
               check=False)


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not BIN:
            raise AssertionError("LIQWATCH_BIN is not set: run through ctest, or export "
                                 "LIQWATCH_BIN=<build>/liqwatch")
        if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
            raise AssertionError(f"LIQWATCH_BIN={BIN} does not exist or is not executable: "
                                 "build it first (ninja -C <build> liqwatch)")
        require_tool("cpack", "cmake")
        require_tool("dpkg-deb", "dpkg")
        require_tool("dpkg-shlibdeps", "dpkg-dev")

        cls.build = Path(BIN).resolve().parent
        cls.out = ARTIFACTS / "deb"
        r = cpack(cls.build, cls.out)
        if r.returncode != 0 and "DCMAKE_INSTALL_PREFIX=/usr" in r.stdout + r.stderr:
            cls.build = build_with_prefix_usr()
            r = cpack(cls.build, cls.out)
        if r.returncode != 0:
            raise AssertionError(f"cpack failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        debs = sorted(cls.out.glob("*.deb"))
        assert len(debs) == 1, f"expected one .deb in {cls.out}, found {debs}"
        cls.deb = debs[0]

        cls.root = ARTIFACTS / "deb-root"
        cls.control = ARTIFACTS / "deb-control"
        for d in (cls.root, cls.control):
            shutil.rmtree(d, ignore_errors=True)
        run("dpkg-deb", "-x", cls.deb, cls.root)
        run("dpkg-deb", "-e", cls.deb, cls.control)
        cls.fields = {}
        for name in ("Package", "Version", "Architecture", "Maintainer", "Depends",
                     "Description", "Section"):
            cls.fields[name] = run("dpkg-deb", "-f", cls.deb, name).stdout.strip()

    # --- control ------------------------------------------------------------------------

    def test_control_fields(self):
        f = self.fields
        self.assertEqual(f["Package"], "liqwatch")
        self.assertEqual(f["Version"], project_version())
        self.assertEqual(f["Architecture"], run("dpkg", "--print-architecture").stdout.strip())
        self.assertRegex(f["Maintainer"], r".+ <[^@\s]+@[^>\s]+>")
        self.assertTrue(f["Description"].splitlines()[0].strip(), "empty synopsis")
        self.assertEqual(self.deb.name, f"liqwatch_{f['Version']}_{f['Architecture']}.deb")

    def test_depends_come_from_shlibdeps(self):
        names = package_names(self.fields["Depends"])
        missing = [p for p in EXPECTED_DEPENDS if p not in names]
        self.assertEqual(missing, [], f"Depends: {self.fields['Depends']}")

    def test_every_linked_library_is_a_dependency(self):
        binary = self.root / "usr/bin/liqwatch"
        dump = run("objdump", "-p", binary).stdout
        needed = re.findall(r"^\s*NEEDED\s+(\S+)", dump, re.M)
        self.assertTrue(needed, dump[:2000])
        names = package_names(self.fields["Depends"])
        ldd = run("ldd", binary).stdout
        for lib in needed:
            m = re.search(rf"^\s*{re.escape(lib)} => (\S+)", ldd, re.M)
            if not m or m.group(1) == "not":
                self.fail(f"{lib} does not resolve:\n{ldd}")
            owner = run("dpkg", "-S", os.path.realpath(m.group(1)), check=False)
            if owner.returncode != 0:  # merged-/usr: dpkg may know the /lib spelling
                owner = run("dpkg", "-S", m.group(1), check=False)
            self.assertEqual(owner.returncode, 0, f"no package owns {m.group(1)}")
            pkg = owner.stdout.split(":")[0]
            # A shlibs file may name a virtual package the owner provides
            # (libspdlog1.10 provides libspdlog1.10-fmt9).
            provides = run("dpkg-query", "-W", "-f=${Provides}", pkg, check=False).stdout
            acceptable = {pkg} | package_names(provides)
            self.assertTrue(acceptable & names, f"{lib} ({pkg}, provides {provides!r}) "
                                                f"missing from Depends: {self.fields['Depends']}")

    # --- files --------------------------------------------------------------------------

    def test_layout(self):
        files = files_under(self.root)
        for path in ("usr/bin/liqwatch",
                     "usr/lib/systemd/system/liqwatch.service",
                     "usr/lib/sysusers.d/liqwatch.conf",
                     "usr/lib/tmpfiles.d/liqwatch.conf",
                     "usr/share/doc/liqwatch/operations.md",
                     "etc/liqwatch/liqwatch.yaml"):
            self.assertIn(path, files)
        mode = (self.root / "usr/bin/liqwatch").stat().st_mode
        self.assertEqual(stat.S_IMODE(mode), 0o755)
        # Nothing outside the FHS places a package may own; no build-tree leftovers.
        for f in files:
            self.assertRegex(f, r"^(usr/(bin|lib|share)/|etc/liqwatch/)", f)
            self.assertNotIn("usr/local", f)
        for name in ("credentials", "var/"):
            self.assertFalse([f for f in files if name in f],
                             f"{name}: secrets and state are created on the host, not shipped")

    def test_systemd_files_match_the_source(self):
        for src, dst in (("liqwatch.service", "usr/lib/systemd/system/liqwatch.service"),
                         ("liqwatch.sysusers", "usr/lib/sysusers.d/liqwatch.conf"),
                         ("liqwatch.tmpfiles", "usr/lib/tmpfiles.d/liqwatch.conf")):
            self.assertEqual((self.root / dst).read_text(),
                             (SOURCE_DIR / "systemd" / src).read_text(), dst)

    def test_config_is_shipped_as_conffiles(self):
        src = SOURCE_DIR / "config"
        expected = sorted(
            "etc/liqwatch/" + str(p.relative_to(src)) for p in src.rglob("*")
            if p.is_file() and not p.name.startswith(".")
            and (p.parent == src and p.name == "liqwatch.yaml"
                 or p.relative_to(src).parts[0] in ("rules", "examples")))
        shipped = [f for f in files_under(self.root) if f.startswith("etc/")]
        self.assertEqual(shipped, expected)
        for f in shipped:
            self.assertEqual((self.root / f).read_bytes(),
                             (src / f.removeprefix("etc/liqwatch/")).read_bytes(), f)
            self.assertEqual(stat.S_IMODE((self.root / f).stat().st_mode), 0o644, f)
        conffiles = (self.control / "conffiles").read_text().split()
        self.assertEqual(sorted(conffiles), ["/" + f for f in shipped])

    def test_migrations_docs_and_web(self):
        files = files_under(self.root)
        migrations = sorted(p.name for p in (SOURCE_DIR / "migrations").glob("*.sql"))
        self.assertTrue(migrations)
        self.assertEqual(
            sorted(Path(f).name for f in files if f.startswith("usr/share/liqwatch/migrations/")),
            migrations)
        docs = sorted(p.name for p in (SOURCE_DIR / "docs").glob("*.md"))
        self.assertEqual(
            sorted(Path(f).name for f in files
                   if f.startswith("usr/share/doc/liqwatch/") and f.endswith(".md")
                   and Path(f).name != "README.md"),
            docs)
        web = SOURCE_DIR / "web"
        if web.exists():
            self.assertTrue([f for f in files if f.startswith("usr/share/liqwatch/web/")],
                            "web/ exists in the source but is not in the package")

    # --- Debian documentation: copyright, changelog, man pages --------------------------------

    def test_copyright_and_changelog(self):
        doc = self.root / "usr/share/doc/liqwatch"
        copyright = (doc / "copyright").read_text()
        self.assertEqual(copyright.splitlines()[0], DEP5_FORMAT)
        self.assertIn(f"Upstream-Contact: {self.fields['Maintainer']}", copyright)
        self.assertRegex(copyright, r"(?m)^Files: \*$")
        # Native package (no Debian revision): changelog.gz, not changelog.Debian.gz.
        self.assertFalse((doc / "changelog.Debian.gz").exists())
        changelog = gzip.decompress((doc / "changelog.gz").read_bytes()).decode()
        # The newest entry is this version, signed by the package's maintainer: bumping the
        # version in CMakeLists.txt without a packaging/deb/changelog entry fails here.
        self.assertRegex(changelog.splitlines()[0],
                         rf"^liqwatch \({re.escape(self.fields['Version'])}\) \S+; urgency=\w+$")
        trailer = next(l for l in changelog.splitlines() if l.startswith(" -- "))
        self.assertTrue(trailer.startswith(f" -- {self.fields['Maintainer']}  "), trailer)

    def test_man_page_per_command(self):
        man1 = self.root / "usr/share/man/man1"
        paths = commands()
        self.assertGreater(len(paths), 10, paths)  # run, check-config, alerts, ... and nested
        expected = sorted("-".join(("liqwatch",) + p) + ".1.gz" for p in paths)
        self.assertEqual(sorted(f.name for f in man1.iterdir()), expected)
        for words in paths:
            name = "-".join(("liqwatch",) + words)
            page = gzip.decompress((man1 / f"{name}.1.gz").read_bytes()).decode()
            text = page.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")
            self.assertRegex(page, rf'(?m)^\.TH {re.escape(name.upper())} "1"', name)
            self.assertRegex(page, rf"(?m)^{re.escape(name)} \\- \S", name)  # whatis entry
            # Every option and subcommand the binary lists is in its page.
            help_text = run(BIN, *words, "--help").stdout
            for option in set(re.findall(r"(?m)^\s+(?:-\w,)?(--[\w-]+)", help_text)):
                self.assertIn(option, text, f"{name}: {option}")
            for sub in subcommands(*words):
                self.assertIn(f"{name}-{sub}", text, f"{name}: no SEE ALSO for {sub}")
            self.assertNotIn(str(Path(BIN).resolve().parent), page, f"{name}: build path")

    # --- the binary -----------------------------------------------------------------------

    def test_binary_is_hardened(self):
        """dpkg-buildflags' hardening: PIE, full RELRO (relro + bindnow), stack protector,
        FORTIFY_SOURCE. Checked on the stripped binary the package ships."""
        binary = self.root / "usr/bin/liqwatch"
        header = run("readelf", "-hW", binary).stdout
        self.assertRegex(header, r"Type:\s+DYN", "not a position-independent executable")
        self.assertIn("GNU_RELRO", run("readelf", "-lW", binary).stdout)
        dynamic = run("readelf", "-dW", binary).stdout
        self.assertRegex(dynamic, r"\(FLAGS_1\).*\bNOW\b.*\bPIE\b", dynamic)
        symbols = run("readelf", "--dyn-syms", "-W", binary).stdout
        self.assertIn("__stack_chk_fail", symbols)
        self.assertRegex(symbols, r"__\w+_chk\b(?<!__stack_chk)", "no fortified libc call")

    def test_lintian(self):
        lintian = require_tool("lintian", "lintian")
        started = time.monotonic()
        r = run(lintian, "--no-cfg", "--fail-on", "none", "--tag-display-limit", "0", self.deb,
                timeout=900)
        print(f"\nlintian: {time.monotonic() - started:.1f}s", flush=True)
        tags = re.findall(r"(?m)^([EW]): liqwatch(?: \w+)?: (\S+)(.*)$", r.stdout)
        errors = [f"E: {t}{rest}" for level, t, rest in tags if level == "E"]
        self.assertEqual(errors, [], r.stdout)
        warned = {t for level, t, _ in tags if level == "W"}
        self.assertEqual(sorted(warned - LINTIAN_ALLOWED.keys()), [], r.stdout)
        self.assertEqual(sorted(LINTIAN_ALLOWED.keys() - warned), [],
                         "allowed but no longer emitted: drop them from LINTIAN_ALLOWED")

    # --- maintainer scripts ---------------------------------------------------------------

    def test_maintainer_scripts_are_debhelper_idioms(self):
        for name in ("postinst", "prerm", "postrm"):
            path = self.control / name
            self.assertTrue(path.exists(), name)
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o755, name)
            run("sh", "-n", path)
            code = "\n".join(l for l in path.read_text().splitlines()
                             if not l.lstrip().startswith("#"))
            # systemctl only reloads unit files; anything else goes through deb-systemd-*,
            # which honour policy-rc.d and the admin's enablement.
            for call in re.findall(r"systemctl\b[^\n|;&]*", code):
                self.assertRegex(call, r"^systemctl --system daemon-reload\b", name)
            self.assertNotRegex(code, r"deb-systemd-invoke\s+(start|restart|enable)\b", name)

    def maintainer_script(self, name, *args, enabled=False, installed=False, root=None):
        """Runs a maintainer script with stand-ins for the systemd tools and returns the calls
        they saw, one "tool args" per line. The stand-in deb-systemd-helper answers
        debian-installed / was-enabled as told."""
        with tempfile.TemporaryDirectory(prefix="lw-maint-") as tmp:
            bindir, log = Path(tmp) / "bin", Path(tmp) / "calls"
            bindir.mkdir()
            for tool in ("systemctl", "deb-systemd-helper", "deb-systemd-invoke",
                         "systemd-sysusers", "systemd-tmpfiles", "adduser", "useradd"):
                (bindir / tool).write_text(
                    f'#!/bin/sh\necho "{tool} $*" >> "{log}"\n'
                    f'case "$*" in\n'
                    f'  *debian-installed*) exit {int(not installed)} ;;\n'
                    f'  *was-enabled*) exit {int(not enabled)} ;;\n'
                    f'esac\n')
                (bindir / tool).chmod(0o755)
            env = dict(os.environ, PATH=f"{bindir}:/usr/bin:/bin")
            if root is not None:
                env["DPKG_ROOT"] = str(root)
            # The scripts call deb-systemd-helper by absolute path where debhelper does.
            script = (self.control / name).read_text().replace(
                "/usr/bin/deb-systemd-helper", str(bindir / "deb-systemd-helper"))
            (Path(tmp) / name).write_text(script)
            run("sh", "-e", Path(tmp) / name, *args, env=env)
            return log.read_text().splitlines() if log.exists() else []

    def test_install_enables_and_starts_nothing(self):
        calls = self.maintainer_script("postinst", "configure", "")
        self.assertIn("systemd-sysusers liqwatch.conf", calls)
        self.assertIn("systemd-tmpfiles --create liqwatch.conf", calls)
        # State recorded so purge can remove the links, but nothing enabled or started.
        self.assertIn("deb-systemd-helper update-state liqwatch.service", calls)
        for call in calls:
            self.assertNotRegex(call, r"\b(enable|start|restart|try-restart|reenable)\b", calls)

    def test_upgrade_keeps_the_admins_choice(self):
        # Installed before but never enabled: stays disabled.
        calls = self.maintainer_script("postinst", "configure", "0.0.9", installed=True)
        self.assertNotIn("deb-systemd-helper enable liqwatch.service", calls)
        # Enabled by the admin: re-enabled (new [Install] links, if any), not started.
        calls = self.maintainer_script("postinst", "configure", "0.0.9", installed=True,
                                       enabled=True)
        self.assertIn("deb-systemd-helper enable liqwatch.service", calls)
        for call in calls:  # try-restart (only if running) is fine; start/restart are not
            self.assertNotRegex(call, r"(?<![\w-])(start|restart)\b", calls)

    def test_remove_and_purge(self):
        self.assertEqual(self.maintainer_script("prerm", "upgrade", "0.2.0"), [])
        with tempfile.TemporaryDirectory(prefix="lw-purge-") as tmp:
            root = Path(tmp)
            for d in ("etc/liqwatch/credentials", "var/lib/liqwatch"):
                (root / d).mkdir(parents=True)
            (root / "etc/liqwatch/credentials/fred_api_key").write_text("secret")
            (root / "var/lib/liqwatch/liqwatch.db").write_text("db")
            (root / "etc/liqwatch/liqwatch.yaml").write_text("kept: by dpkg\n")
            # On a systemd host, remove reloads the unit files; nothing else.
            for call in self.maintainer_script("postrm", "remove", root=root):
                self.assertEqual(call, "systemctl --system daemon-reload")
            self.assertTrue((root / "var/lib/liqwatch/liqwatch.db").exists(), "remove is not purge")
            calls = self.maintainer_script("postrm", "purge", root=root)
            self.assertIn("deb-systemd-helper purge liqwatch.service", calls)
            self.assertFalse((root / "etc/liqwatch/credentials").exists())
            self.assertFalse((root / "var/lib/liqwatch").exists())
            self.assertTrue((root / "etc/liqwatch/liqwatch.yaml").exists())

    # --- consistency with cmake --install and with systemd ----------------------------------

    def test_cmake_install_matches_the_package(self):
        with tempfile.TemporaryDirectory(prefix="lw-destdir-") as tmp:
            run("cmake", "--install", self.build, "--prefix", "/usr",
                env=dict(os.environ, DESTDIR=tmp))
            self.assertEqual(files_under(tmp), files_under(self.root))

    def test_systemd_accepts_the_packaged_files(self):
        analyze = require_tool("systemd-analyze", "systemd")
        with tempfile.TemporaryDirectory(prefix="lw-pkgroot-") as tmp:
            root = Path(tmp) / "root"
            shutil.copytree(self.root, root, symlinks=True)
            for link, target in (("bin", "usr/bin"), ("lib", "usr/lib"), ("sbin", "usr/sbin")):
                if not (root / link).exists():
                    (root / link).symlink_to(target)
            (root / "etc/systemd/system").mkdir(parents=True)
            units = root / "usr/lib/systemd/system"
            host = next(d for d in HOST_UNIT_DIRS if (d / "sysinit.target").exists())
            for f in host.iterdir():
                if f.is_file() and not f.is_symlink() and not (units / f.name).exists():
                    shutil.copy2(f, units / f.name)
            shutil.copy2(shutil.which("kill", path="/usr/bin:/bin"), root / "usr/bin/kill")
            r = run(analyze, "verify", "--no-pager", f"--root={root}", "liqwatch.service",
                    check=False)
            self.assertEqual((r.returncode, (r.stdout + r.stderr).strip()), (0, ""))

            run("systemd-sysusers", f"--root={root}")
            self.assertRegex((root / "etc/passwd").read_text(), r"(?m)^liqwatch:")
            run("systemd-tmpfiles", "--create", f"--root={root}")
            self.assertTrue((root / "etc/liqwatch/credentials/fred_api_key").exists())


if __name__ == "__main__":
    unittest.main()
