#include "store/migrations.h"

#include <charconv>

#include <fmt/format.h>

#include "store/try.h"

namespace liqwatch::store {

int MigrationVersion(const Migration& m) {
  int v = -1;
  if (m.name.size() < 5 || m.name[4] != '_') return -1;
  auto [p, ec] = std::from_chars(m.name.data(), m.name.data() + 4, v);
  return ec == std::errc() ? v : -1;
}

int LatestVersion(std::span<const Migration> migrations) {
  int latest = 0;
  for (const auto& m : migrations) latest = std::max(latest, MigrationVersion(m));
  return latest;
}

namespace {
Status TooNew(int db_version, int latest) {
  return Status::FailedPrecondition(
      fmt::format("database schema version {} is newer than this liqwatch supports (version {}); "
                  "upgrade liqwatch or restore a backup made by this version",
                  db_version, latest));
}
}  // namespace

Status CheckVersion(Database& db, std::span<const Migration> migrations) {
  LW_ASSIGN_OR_RETURN(v, db.QueryInt("PRAGMA user_version"));
  int latest = LatestVersion(migrations);
  if (v > latest) return TooNew(static_cast<int>(v), latest);
  if (v < latest) {
    return Status::FailedPrecondition(fmt::format(
        "database schema version {} is older than this liqwatch's (version {}); start the daemon "
        "once to migrate it",
        v, latest));
  }
  return Status::Ok();
}

Result<int> Migrate(Database& db, std::span<const Migration> migrations) {
  LW_ASSIGN_OR_RETURN(current, db.QueryInt("PRAGMA user_version"));
  int version = static_cast<int>(current);
  int latest = LatestVersion(migrations);
  if (version > latest) return TooNew(version, latest);
  for (const auto& m : migrations) {
    int v = MigrationVersion(m);
    if (v < 0) return Status::Internal(fmt::format("malformed migration name {}", m.name));
    if (v <= version) continue;
    LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(db));
    if (auto s = db.Exec(m.sql); !s.ok()) return s.WithContext(std::string(m.name));
    LW_RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA user_version = {}", v)));
    LW_RETURN_IF_ERROR(tx->Commit());
    version = v;
  }
  return version;
}

}  // namespace liqwatch::store
