// One daemon per database: an exclusive lock held for the daemon's life.
//
// Contract: LockDatabase(db) creates "<db>.lock" beside the database if needed and takes an
// exclusive, non-blocking flock(2) on it. On success the returned DatabaseLock holds the lock
// until it is destroyed (or the process exits, even by a crash: the kernel releases it), and
// the file records the holder's pid. If another process holds it, it fails at once with
// kUnavailable: "database /var/lib/liqwatch/liqwatch.db is in use by another liqwatch daemon
// (pid 1234, lock file /var/lib/liqwatch/liqwatch.db.lock)"; if the lock file cannot be created
// it fails with kIoError naming it. Only the daemon locks: CLI readers and writers (alerts,
// silence, ack, backup) do not, so they keep working while it runs. A separate file rather than
// the database itself, because closing any other descriptor of the database file would drop
// SQLite's own POSIX locks in this process. Call from one thread; the lock is per process.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace liqwatch::store {

class DatabaseLock {
 public:
  DatabaseLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~DatabaseLock();
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;
  const std::string& path() const { return path_; }  // the lock file

 private:
  int fd_;
  std::string path_;
};

Result<std::unique_ptr<DatabaseLock>> LockDatabase(const std::string& db_path);

}  // namespace liqwatch::store
