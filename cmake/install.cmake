# Install layout and the Debian package.
#
#   cmake -S . -B build -G Ninja -DCMAKE_INSTALL_PREFIX=/usr && ninja -C build liqwatch
#   DESTDIR=/tmp/stage cmake --install build          # files only
#   (cd build && cpack -G DEB)                          # build/liqwatch_<version>_<arch>.deb
#
# With prefix /usr (the packaging prefix), files go to:
#   /usr/bin/liqwatch
#   /etc/liqwatch/liqwatch.yaml, rules/*.yaml, examples/   (dpkg conffiles)
#   /usr/share/liqwatch/migrations/*.sql, /usr/share/liqwatch/web/
#   /usr/lib/systemd/system/liqwatch.service
#   /usr/lib/sysusers.d/liqwatch.conf, /usr/lib/tmpfiles.d/liqwatch.conf
#   /usr/share/doc/liqwatch/
# With any other prefix P, configuration goes to P/etc/liqwatch and the unit's paths are
# rewritten to match (P/bin/liqwatch, P/etc/liqwatch).
#
# The /etc decision is made when installing, not when configuring: `cmake --install build
# --prefix /usr` and cpack (which installs with prefix /usr) put configuration in /etc even
# from a build dir configured with another prefix. The daemon may compile in its data dir
# (LIQWATCH_DATADIR, from the configure-time prefix); if it does, a .deb needs a build dir
# configured with -DCMAKE_INSTALL_PREFIX=/usr, and cpack refuses any other (see the end).

include(GNUInstallDirs)

set(LIQWATCH_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
    "systemd system unit dir, relative to the install prefix")
set(LIQWATCH_SYSUSERSDIR "lib/sysusers.d" CACHE STRING "sysusers.d dir, relative to the prefix")
set(LIQWATCH_TMPFILESDIR "lib/tmpfiles.d" CACHE STRING "tmpfiles.d dir, relative to the prefix")
set(LIQWATCH_PACKAGE_MAINTAINER "liqwatch maintainers <liqwatch@localhost>" CACHE STRING
    "Maintainer field of the .deb")

set(_lw_src ${CMAKE_CURRENT_LIST_DIR}/..)
cmake_path(NORMAL_PATH _lw_src)

# --- the binary --------------------------------------------------------------------------
if(TARGET liqwatch)
  install(TARGETS liqwatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# --- data --------------------------------------------------------------------------------
file(GLOB _lw_migrations CONFIGURE_DEPENDS ${_lw_src}/migrations/*.sql)
if(_lw_migrations)
  install(FILES ${_lw_migrations} DESTINATION ${CMAKE_INSTALL_DATADIR}/liqwatch/migrations)
endif()
if(EXISTS ${_lw_src}/web)
  install(DIRECTORY ${_lw_src}/web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/liqwatch/web
          PATTERN "node_modules" EXCLUDE PATTERN ".*" EXCLUDE)
endif()

# --- documentation -----------------------------------------------------------------------
file(GLOB _lw_docs CONFIGURE_DEPENDS ${_lw_src}/docs/*.md)
foreach(f README.md LICENSE COPYING)
  if(EXISTS ${_lw_src}/${f})
    list(APPEND _lw_docs ${_lw_src}/${f})
  endif()
endforeach()
if(_lw_docs)
  install(FILES ${_lw_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

# --- configuration (conffiles) -----------------------------------------------------------
# Paths relative to <etc>/liqwatch, also used for the conffiles list below.
set(_lw_conf_files "")
if(EXISTS ${_lw_src}/config/liqwatch.yaml)
  list(APPEND _lw_conf_files liqwatch.yaml)
endif()
file(GLOB_RECURSE _lw_conf_more CONFIGURE_DEPENDS RELATIVE ${_lw_src}/config
     ${_lw_src}/config/rules/*.yaml ${_lw_src}/config/examples/*)
list(FILTER _lw_conf_more EXCLUDE REGEX "(^|/)\\.")  # editor droppings, .gitkeep
list(SORT _lw_conf_more)
list(APPEND _lw_conf_files ${_lw_conf_more})

# Runs at install time, when CMAKE_INSTALL_PREFIX is the prefix actually being installed to.
# file(INSTALL) honours DESTDIR, so staging and cpack stay inside their trees.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(_lw_etc \"/etc\")
  else()
    set(_lw_etc \"\${CMAKE_INSTALL_PREFIX}/etc\")
  endif()
  foreach(_f IN ITEMS ${_lw_conf_files})
    get_filename_component(_d \"\${_f}\" DIRECTORY)
    file(INSTALL DESTINATION \"\${_lw_etc}/liqwatch/\${_d}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES \"${_lw_src}/config/\${_f}\")
  endforeach()

  # systemd snippets: written for prefix /usr; other prefixes get their own paths.
  set(_lw_stage \"${CMAKE_CURRENT_BINARY_DIR}/liqwatch-install\")
  file(MAKE_DIRECTORY \"\${_lw_stage}\")
  foreach(_pair IN ITEMS \"liqwatch.service|liqwatch.service|${LIQWATCH_SYSTEMD_UNITDIR}\"
                         \"liqwatch.sysusers|liqwatch.conf|${LIQWATCH_SYSUSERSDIR}\"
                         \"liqwatch.tmpfiles|liqwatch.conf|${LIQWATCH_TMPFILESDIR}\")
    string(REPLACE \"|\" \";\" _pair \"\${_pair}\")
    list(GET _pair 0 _from)
    list(GET _pair 1 _to)
    list(GET _pair 2 _dir)
    file(READ \"${_lw_src}/systemd/\${_from}\" _text)
    if(NOT CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
      string(REPLACE \"/usr/bin/liqwatch\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/liqwatch\" _text \"\${_text}\")
      string(REPLACE \"/etc/liqwatch\" \"\${_lw_etc}/liqwatch\" _text \"\${_text}\")
    endif()
    file(MAKE_DIRECTORY \"\${_lw_stage}/\${_from}.d\")
    file(WRITE \"\${_lw_stage}/\${_from}.d/\${_to}\" \"\${_text}\")
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/\${_dir}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES \"\${_lw_stage}/\${_from}.d/\${_to}\")
  endforeach()
")

# --- Debian package ----------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "liqwatch")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "liqwatch")
set(CPACK_PACKAGE_CONTACT "${LIQWATCH_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "US dollar funding liquidity watcher (systemd service)")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Install into the staging tree through DESTDIR with prefix /usr, so the install-time /etc
# logic above sees "/usr" and absolute destinations stay inside the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LIQWATCH_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description.
set(CPACK_PACKAGE_DESCRIPTION
    "liqwatch polls public feeds (FRED, the New York Fed, Treasury Fiscal Data and\n\
others), evaluates alert rules as each observation lands, keeps every alert in\n\
SQLite and notifies Slack, email and webhooks. It runs as a hardened systemd\n\
service (liqwatch.service), which this package installs but neither enables\n\
nor starts.")
# Library dependencies (libcurl4, libsqlite3-0, libyaml-cpp0.7, libsystemd0, ...) come from
# dpkg-shlibdeps; systemd provides systemd-sysusers/-tmpfiles for the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(_lw_deb ${CMAKE_CURRENT_BINARY_DIR}/liqwatch-deb)
set(_lw_conffiles "")
foreach(f ${_lw_conf_files})
  string(APPEND _lw_conffiles "/etc/liqwatch/${f}\n")
endforeach()
file(CONFIGURE OUTPUT ${_lw_deb}/conffiles CONTENT "${_lw_conffiles}")

# postinst: create the user and the credential placeholders, reload unit files. It never
# enables or starts the service; on upgrade it restarts the service only if it was running.
file(CONFIGURE OUTPUT ${_lw_deb}/postinst @ONLY CONTENT [=[#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
    if command -v systemd-sysusers >/dev/null 2>&1; then
        systemd-sysusers liqwatch.conf
    elif ! getent passwd liqwatch >/dev/null; then
        adduser --system --group --home /var/lib/liqwatch --no-create-home liqwatch
    fi
    if command -v systemd-tmpfiles >/dev/null 2>&1; then
        systemd-tmpfiles --create liqwatch.conf || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        if [ -n "$2" ]; then
            # Upgrade: pick up the new binary if (and only if) the service was running.
            systemctl try-restart liqwatch.service >/dev/null || true
        fi
    fi
fi
exit 0
]=])

# prerm: stop the service before its files go away (not on upgrade: postinst restarts it).
file(CONFIGURE OUTPUT ${_lw_deb}/prerm @ONLY CONTENT [=[#!/bin/sh
set -e
if [ "$1" = "remove" ] && [ -d /run/systemd/system ]; then
    systemctl stop liqwatch.service >/dev/null 2>&1 || true
fi
exit 0
]=])

# postrm: forget the unit; on purge also drop enablement links, secrets and the database.
# The liqwatch system user is kept, as Debian does for every system user.
file(CONFIGURE OUTPUT ${_lw_deb}/postrm @ONLY CONTENT [=[#!/bin/sh
set -e
case "$1" in
    remove|purge)
        if [ -d /run/systemd/system ]; then
            systemctl --system daemon-reload >/dev/null || true
        fi
        ;;
esac
if [ "$1" = "purge" ]; then
    if command -v deb-systemd-helper >/dev/null 2>&1; then
        deb-systemd-helper purge liqwatch.service >/dev/null || true
    fi
    rm -f /etc/systemd/system/multi-user.target.wants/liqwatch.service
    rm -rf /etc/liqwatch/credentials
    rm -rf /var/lib/liqwatch
    rmdir --ignore-fail-on-non-empty /etc/liqwatch 2>/dev/null || true
fi
exit 0
]=])

set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_lw_deb}/conffiles ${_lw_deb}/postinst ${_lw_deb}/prerm ${_lw_deb}/postrm)

# A .deb installs under /usr. A build dir configured for another prefix can still produce a
# correct one as long as the binary does not embed that prefix's data dir (LIQWATCH_DATADIR);
# if it does, the packaged daemon would look in the wrong place, so cpack stops with a clear
# message. The check reads the binary when cpack runs, so it follows the code as it changes.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr" AND TARGET liqwatch)
  # Used as a regex below; a "." matching any character only makes the check stricter.
  file(GENERATE OUTPUT ${_lw_deb}/prefix-check.cmake CONTENT "
if(CPACK_GENERATOR STREQUAL \"DEB\")
  file(STRINGS \"$<TARGET_FILE:liqwatch>\" _lw_baked LIMIT_COUNT 1 REGEX \"${LIQWATCH_DATADIR}\")
  if(_lw_baked)
    message(FATAL_ERROR \"liqwatch: $<TARGET_FILE:liqwatch> has ${LIQWATCH_DATADIR} compiled in; \"
                        \"build the .deb from a build dir configured with -DCMAKE_INSTALL_PREFIX=/usr\")
  endif()
endif()
")
  set(CPACK_PROJECT_CONFIG_FILE ${_lw_deb}/prefix-check.cmake)
endif()

include(CPack)
