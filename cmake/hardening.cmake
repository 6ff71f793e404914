# Hardening flags for optimised builds: what Debian's dpkg-buildflags gives a package built with
# DEB_BUILD_MAINT_OPTIONS=hardening=+all, so the binary in the .deb is built the way a Debian
# package would be (lintian's hardening-* tags; docs/operations.md, "How the package is made").
#
#   compile  -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wformat -Werror=format-security
#   link     -Wl,-z,relro -Wl,-z,now, and PIE (position-independent executables)
#
# Only Release, RelWithDebInfo and MinSizeRel: _FORTIFY_SOURCE needs optimisation (glibc warns
# at -O0, and warnings are errors here). Sanitizer and fuzz builds are left alone: FORTIFY's
# checked functions hide accesses from ASan's interceptors.
option(LIQWATCH_HARDENING "dpkg-buildflags hardening flags for optimised builds" ON)

if(LIQWATCH_HARDENING AND NOT LIQWATCH_SANITIZE AND NOT LIQWATCH_FUZZ)
  set(_lw_optimised "$<CONFIG:Release,RelWithDebInfo,MinSizeRel>")
  # -fPIE everywhere, as Debian's gcc does by default, not CMAKE_POSITION_INDEPENDENT_CODE: that
  # compiles the static libraries -fPIC, whose thread_locals then go through __tls_get_addr.
  add_compile_options(
    "$<${_lw_optimised}:-fPIE;-fstack-protector-strong;-Wformat;-Werror=format-security>"
    # -U first: a toolchain that predefines another level (Ubuntu's gcc) would warn otherwise.
    "$<${_lw_optimised}:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2>")
  add_link_options("$<${_lw_optimised}:-pie;LINKER:-z,relro;LINKER:-z,now>")
endif()
