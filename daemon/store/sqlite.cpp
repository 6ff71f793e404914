#include "store/sqlite.h"

#include <fmt/format.h>

#include "store/try.h"

namespace liqwatch::store {

namespace {
// First line of a statement, for error context.
std::string SqlHead(std::string_view sql) {
  auto s = sql.substr(sql.find_first_not_of(" \n\t") == std::string_view::npos
                          ? 0
                          : sql.find_first_not_of(" \n\t"));
  return std::string(s.substr(0, std::min<size_t>(s.find('\n'), 60)));
}
Status CodeToStatus(int rc, std::string msg) {
  if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY ||
      rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return Status::IoError(std::move(msg));
  }
  return Status::Internal(std::move(msg));
}
}  // namespace

Statement::~Statement() {
  if (lent_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  // Back to the cache: reset ends any read it holds (a WAL reader left open would block
  // checkpoints), and no binding of this use leaks into the next.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *lent_ = false;
}

Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Statement& Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Status Statement::Error(int rc) const {
  return CodeToStatus(
      rc, fmt::format("sqlite: {} (in: {})", sqlite3_errmsg(db_), SqlHead(sqlite3_sql(stmt_))));
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

Status Statement::Run() {
  for (;;) {
    LW_ASSIGN_OR_RETURN(r, Step());
    if (!r) return Status::Ok();
  }
}

std::string Statement::Text(int col) const {
  auto p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col))
           : std::string();
}
std::optional<double> Statement::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}
std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = fmt::format("cannot open database {}: {}", path,
                                  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return Status::IoError(msg);
  }
  sqlite3_busy_timeout(db, 5000);  // the daemon and CLI share the file
  sqlite3_extended_result_codes(db, 0);
  return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
  sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg =
        fmt::format("sqlite: {} (in: {})", err ? err : sqlite3_errstr(rc), SqlHead(sql));
    sqlite3_free(err);
    return CodeToStatus(rc, msg);
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.lent) {
    it->second.lent = true;
    return Statement(db_, it->second.stmt, &it->second.lent);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return CodeToStatus(rc, fmt::format("sqlite: {} (in: {})", sqlite3_errmsg(db_), SqlHead(sql)));
  }
  if (it == cache_.end() && cache_.size() < kMaxCached && stmt != nullptr) {
    auto& slot = cache_[std::string(sql)];
    slot = Cached{stmt, true};
    return Statement(db_, stmt, &slot.lent);
  }
  return Statement(db_, stmt);
}

Status Database::Run(std::string_view sql) {
  LW_ASSIGN_OR_RETURN(st, Prepare(sql));
  return st.Run();
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  LW_ASSIGN_OR_RETURN(st, Prepare(sql));
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row) return Status::NotFound(fmt::format("no row for: {}", SqlHead(sql)));
  return st.Int(0);
}

std::string Transaction::Savepoint() const { return fmt::format("lw_{}", level_); }

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db) {
  const int level = db.depth_ + 1;
  std::unique_ptr<Transaction> tx(new Transaction(db, level));
  auto s = db.Run(level == 1 ? std::string("BEGIN IMMEDIATE") : "SAVEPOINT " + tx->Savepoint());
  if (!s.ok()) {
    tx->done_ = true;  // nothing to roll back
    return s;
  }
  db.depth_ = level;
  return tx;
}

Status Transaction::Commit() {
  auto s = db_.Run(level_ == 1 ? std::string("COMMIT") : "RELEASE " + Savepoint());
  if (s.ok()) {
    done_ = true;
    db_.depth_ = level_ - 1;
  }
  return s;
}

Transaction::~Transaction() {
  if (done_) return;
  if (level_ == 1) {
    (void)db_.Run("ROLLBACK");
  } else {
    // An error SQLite answered with a rollback of its own (disk full, I/O) leaves no
    // savepoint: these fail harmlessly and the outer transaction's failure reports it.
    (void)db_.Run("ROLLBACK TO " + Savepoint());
    (void)db_.Run("RELEASE " + Savepoint());
  }
  db_.depth_ = level_ - 1;
}

}  // namespace liqwatch::store
