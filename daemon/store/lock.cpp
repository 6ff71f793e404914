#include "store/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace liqwatch::store {

DatabaseLock::~DatabaseLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

namespace {

// The pid the holder wrote, for the message; empty if unreadable.
std::string HolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string_view text(buf, size_t(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return "";
  return std::string(text);
}

}  // namespace

Result<std::unique_ptr<DatabaseLock>> LockDatabase(const std::string& db_path) {
  const std::string path = db_path + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return Status::IoError(
        fmt::format("cannot create lock file {}: {}", path, std::strerror(errno)));
  }
  auto lock = std::make_unique<DatabaseLock>(fd, path);
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno != EWOULDBLOCK) {
      return Status::IoError(fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
    }
    const std::string pid = HolderPid(fd);
    return Status::Unavailable(fmt::format(
        "database {} is in use by another liqwatch daemon ({}lock file {}); stop it first, or "
        "give this one its own --db",
        db_path, pid.empty() ? "" : "pid " + pid + ", ", path));
  }
  // Ours now: record who holds it (best effort, for the message above).
  const std::string me = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, me.data(), me.size(), 0);
  return lock;
}

}  // namespace liqwatch::store
