"""The Debian package: cpack -G DEB, then look inside with dpkg-deb.

Which build dir is packaged: the one LIQWATCH_BIN was built in (cpack there takes seconds).
If that dir was configured with a prefix other than /usr and the binary has that prefix's data
dir compiled in, cpack refuses it (cmake/install.cmake); then a second build dir is configured
under LIQWATCH_ARTIFACTS with -DCMAKE_INSTALL_PREFIX=/usr and only `liqwatch` is built there:
slow on a small machine the first time, incremental after. Configure the main build with
-DCMAKE_INSTALL_PREFIX=/usr to never need that.

Checks: control fields (name, version, architecture, Depends from dpkg-shlibdeps), the file
layout (binary, unit, sysusers/tmpfiles, config as conffiles, migrations, docs, web assets),
maintainer scripts that never enable or start the service, that `cmake --install` into a
DESTDIR lays out the same files, and that systemd's tools accept what is in the package.

Environment: LIQWATCH_BIN (required), LIQWATCH_SOURCE_DIR, LIQWATCH_ARTIFACTS.
"""

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
                    "libsystemd0", "systemd"]


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
    run("cmake", "--build", pkg, "--target", "liqwatch", timeout=3600)
    print(f"built in {time.monotonic() - started:.0f}s", flush=True)
    return pkg


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

    # --- maintainer scripts ---------------------------------------------------------------

    def test_maintainer_scripts(self):
        for name in ("postinst", "prerm", "postrm"):
            path = self.control / name
            self.assertTrue(path.exists(), name)
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o755, name)
            run("sh", "-n", path)
            text = path.read_text()
            # Installing must start nothing: no enable/start/restart, only try-restart of a
            # service that is already running (upgrade).
            code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
            self.assertNotRegex(code, r"systemctl\s+(\S+\s+)*(enable|start|restart|reenable)\b",
                                name)
            self.assertNotRegex(code, r"deb-systemd-(helper|invoke)\s+(enable|start)", name)
        postinst = (self.control / "postinst").read_text()
        self.assertIn("systemd-sysusers liqwatch.conf", postinst)
        self.assertIn("systemd-tmpfiles --create liqwatch.conf", postinst)
        self.assertIn("daemon-reload", postinst)
        self.assertIn("systemctl stop liqwatch.service", (self.control / "prerm").read_text())
        self.assertIn("daemon-reload", (self.control / "postrm").read_text())

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
