// Schema migrations.
//
// Contract: migrations are "NNNN_name.sql" files compiled into the binary (EmbeddedMigrations,
// sorted by number). Migrate() applies each one newer than PRAGMA user_version in its own
// transaction, setting user_version to its number in the same transaction, so a crash leaves
// the database at a whole version. A database whose user_version is newer than the newest
// migration known is refused with an error, and left untouched.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"
#include "store/sqlite.h"

namespace liqwatch::store {

struct Migration {
  std::string_view name;  // "0001_init.sql"
  std::string_view sql;
};

std::span<const Migration> EmbeddedMigrations();
// The version number of a migration, from its file name ("0002_x.sql" -> 2); -1 if malformed.
int MigrationVersion(const Migration& m);
int LatestVersion(std::span<const Migration> migrations);

// Returns the version the database is at afterwards.
Result<int> Migrate(Database& db, std::span<const Migration> migrations);
// Checks the version without changing anything (read-only users such as the CLI).
Status CheckVersion(Database& db, std::span<const Migration> migrations);

}  // namespace liqwatch::store
