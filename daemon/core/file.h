// Reading small input files (the config, secret files, test fixtures) without trusting them.
//
// Contract: ReadSmallFile returns the whole content of the regular file at `path`, or an error
// Status whose message says why, as a predicate for the caller to put after the file's name
// ("config file /dev/zero " + message): "cannot be read: No such file or directory"
// (kNotFound), "is a character device, not a regular file" (kInvalidArgument: also a FIFO, a
// directory, a socket), "is larger than the 1 MiB limit" (kTooLarge), or an I/O error. A FIFO or device is
// refused without reading a byte or blocking (the file is opened non-blocking and checked with
// fstat on the same descriptor), and never more than max_bytes + 1 bytes are read, so a file
// that grows while it is read is refused too. Pure apart from the file system; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace liqwatch {

Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes);

// "1 MiB", "64 KiB", "300 B": for limits in messages.
std::string FormatByteSize(std::size_t bytes);

}  // namespace liqwatch
