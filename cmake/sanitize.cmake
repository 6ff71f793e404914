# Sanitizer and fuzzer builds (docs/testing.md). Both apply to every target of the build, so a
# sanitizer build is a separate build dir (scripts/sanitize.sh, scripts/fuzz.sh).
#
#   -DLIQWATCH_SANITIZE=address,undefined   ASan + UBSan (gcc or clang)
#   -DLIQWATCH_SANITIZE=thread              TSan (gcc or clang)
#   -DLIQWATCH_FUZZ=ON                      libFuzzer harnesses in fuzz/ (clang only): the
#                                           libraries get coverage instrumentation
#                                           (fuzzer-no-link), each harness links libFuzzer.
# The Debian libraries (Boost, libstdc++, sqlite, curl, yaml-cpp, libxml2) stay uninstrumented:
# bugs inside them are out of reach, calls into them with bad pointers are still caught by the
# ASan interceptors.
set(LIQWATCH_SANITIZE "" CACHE STRING "Sanitizers for every target: address,undefined | thread | (empty)")
option(LIQWATCH_FUZZ "Build the libFuzzer harnesses in fuzz/ (needs clang)" OFF)

if(LIQWATCH_SANITIZE)
  if(LIQWATCH_SANITIZE MATCHES "thread" AND LIQWATCH_SANITIZE MATCHES "address")
    message(FATAL_ERROR "LIQWATCH_SANITIZE: thread cannot be combined with address")
  endif()
  # Any finding is a failure: no recovering past a UBSan report. Frame pointers keep the
  # reports' stacks whole at -O1.
  add_compile_options(-fsanitize=${LIQWATCH_SANITIZE} -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${LIQWATCH_SANITIZE})
  if(LIQWATCH_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # vptr: needs the RTTI of the uninstrumented Debian libraries to agree with ours.
    # function: clang 14 cannot compile coroutines with it ("Cannot represent a difference
    # across sections", llvm-project issues 49689 and 54153): http/api.cpp, the poller, ...
    add_compile_options(-fno-sanitize=vptr,function)
  endif()
endif()

if(LIQWATCH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LIQWATCH_FUZZ=ON needs clang (CXX=clang++): libFuzzer is part of clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
