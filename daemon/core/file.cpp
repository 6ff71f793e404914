#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace liqwatch {

namespace {

std::string_view FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a pipe (FIFO)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";  // not reached on Linux
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string FormatByteSize(std::size_t bytes) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return fmt::format("{} MiB", bytes / (1024 * 1024));
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
  return fmt::format("{} B", bytes);
}

Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (f.fd < 0) return Status::NotFound(fmt::format("cannot be read: {}", std::strerror(errno)));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    return Status::NotFound(fmt::format("cannot be read: {}", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) {
    const std::string_view kind = FileKind(st.st_mode);
    return Status::InvalidArgument(kind == "not a regular file"
                                       ? std::string(kind)
                                       : fmt::format("is {}, not a regular file", kind));
  }
  auto too_large = [&] {
    return Status::TooLarge(fmt::format("is larger than the {} limit", FormatByteSize(max_bytes)));
  };
  if (std::size_t(st.st_size) > max_bytes) return too_large();
  // Sized from the file, not from the limit: zero-filling a 256 MiB buffer per file made
  // `test-rules` spend most of its time in memset. One byte more than expected detects a file
  // that grew while read; /proc files report size 0, hence the doubling.
  std::string out;
  out.resize(std::min(max_bytes + 1, std::max<std::size_t>(std::size_t(st.st_size) + 1, 4096)));
  std::size_t used = 0;
  while (true) {
    if (used == out.size()) {
      if (out.size() > max_bytes) break;
      out.resize(std::min(max_bytes + 1, out.size() * 2));
    }
    ssize_t n = ::read(f.fd, out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(fmt::format("cannot be read: {}", std::strerror(errno)));
    if (n == 0) break;
    used += std::size_t(n);
  }
  if (used > max_bytes) return too_large();
  out.resize(used);
  return out;
}

}  // namespace liqwatch
