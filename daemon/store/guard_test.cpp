// The store's guards against operator mistakes: a second daemon on one database, and a backup
// written onto the database it copies. Each is refused with a message naming the database, and
// the database keeps every row.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/lock.h"
#include "store/store.h"
#include "store/test_fixture.h"
#include "store/testing.h"

namespace liqwatch::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class GuardTest : public TempDbTest {
 protected:
  // A database with two SOFR observations.
  std::unique_ptr<Store> Populated() {
    auto store = Store::Open(path_, Store::Mode::kReadWrite);
    EXPECT_TRUE(store.ok()) << store.status().message();
    std::vector<Observation> batch = {{"sofr", *ParseDate("2025-10-28"), 4.31, false},
                                      {"sofr", *ParseDate("2025-10-29"), 4.27, false}};
    EXPECT_TRUE(
        (*store)
            ->IngestObservations("sofr", Unit::kPercent, batch, *ParseTime("2025-10-30T12:00:00Z"))
            .ok());
    return std::move(*store);
  }

  static int64_t Count(Store& s) {
    return *TestAccess::Db(s).QueryInt("SELECT count(*) FROM observations");
  }
  static bool Intact(Store& s) {
    return *TestAccess::Db(s).QueryInt(
               "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0;
  }
};

TEST_F(GuardTest, BackupOntoTheDatabaseOrItsJournalIsRefused) {
  auto store = Populated();
  fs::create_symlink(path_, dir_ / "link.db");
  fs::create_hard_link(path_, dir_ / "hard.db");
  const std::string db = fs::canonical(path_).string();
  struct Case {
    std::string target, what;
  } cases[] = {
      {path_, "the database itself"},
      {(dir_ / "link.db").string(), "the database itself"},
      {(dir_ / "hard.db").string(), "the database itself"},
      {(dir_ / "." / "test.db").string(), "the database itself"},
      {path_ + "-wal", "the database's -wal file"},
      {path_ + "-shm", "the database's -shm file"},
      {path_ + "-journal", "the database's -journal file"},  // does not exist: same path
  };
  for (const auto& c : cases) {
    Status s = store->BackupTo(c.target);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.target;
    EXPECT_EQ(s.message(), "backup target " + c.target + " is " + c.what + " (" + db +
                               "): write the copy to another file");
  }
  EXPECT_FALSE(fs::exists(path_ + "-journal"));
  EXPECT_EQ(Count(*store), 2);
  EXPECT_TRUE(Intact(*store));
  // A real target still works, and the copy holds the rows.
  ASSERT_TRUE(store->BackupTo((dir_ / "copy.db").string()).ok());
  auto copy = Store::Open((dir_ / "copy.db").string(), Store::Mode::kReadOnly);
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(Count(**copy), 2);
}

TEST_F(GuardTest, SecondLockOnTheSameDatabaseFailsNamingItAndTheHolder) {
  auto first = LockDatabase(path_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ((*first)->path(), path_ + ".lock");
  // flock is per open file description: a second open in this process conflicts like another
  // daemon would.
  auto second = LockDatabase(path_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(second.status().message(), "database " + path_ +
                                           " is in use by another liqwatch daemon (pid " +
                                           std::to_string(::getpid()) + ", lock file " + path_ +
                                           ".lock); stop it first, or give this one its own --db");
  first->reset();  // released: the next daemon starts
  auto third = LockDatabase(path_);
  EXPECT_TRUE(third.ok()) << third.status().message();
}

TEST_F(GuardTest, LockHeldByAnotherProcessIsRefusedAndReleasedWhenItDies) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // holds the lock until killed
    auto held = LockDatabase(path_);
    char ok = held.ok() ? '1' : '0';
    (void)!::write(ready[1], &ok, 1);
    ::pause();
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, '1');
  auto refused = LockDatabase(path_);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("is in use by another liqwatch daemon (pid " + std::to_string(child)));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  auto after = LockDatabase(path_);
  EXPECT_TRUE(after.ok()) << after.status().message();
}

TEST_F(GuardTest, UnwritableLockDirectoryIsAnErrorNamingTheFile) {
  auto r = LockDatabase((dir_ / "missing" / "test.db").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot create lock file " +
                                      (dir_ / "missing" / "test.db").string() +
                                      ".lock: No such file or directory");
}

}  // namespace
}  // namespace liqwatch::store
