// Thin RAII wrapper over the SQLite C API.
//
// Contract: Database owns one sqlite3 connection and a cache of its prepared statements, keyed
// by SQL text: Prepare() of a text seen before hands out the cached statement (reset, no
// bindings) instead of parsing it again, and the Statement gives it back when it goes out of
// scope. A text already handed out (nested use) is prepared afresh. A Statement must not
// outlive its Database. Errors come back as Status with SQLite's message and the
// statement's first words (never bound values, which may be user data). A connection is used
// by one thread at a time (the store's worker thread, or a CLI process).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace liqwatch::store {

// Lets the statement cache be searched by string_view without building a std::string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class Statement {
 public:
  Statement() = default;
  // `lent`: the statement belongs to the connection's cache, whose in-use flag this is.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* lent = nullptr)
      : db_(db), stmt_(stmt), lent_(lent) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), lent_(o.lent_) {
    o.stmt_ = nullptr;
    o.lent_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(stmt_, o.stmt_);
    std::swap(lent_, o.lent_);
    return *this;
  }
  ~Statement();

  // Binds by 1-based index. std::nullopt binds NULL.
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, double v);
  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& BindNull(int i);
  template <typename T>
  Statement& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }
  // Binds ?1, ?2, ... in order: BindAll(a, b) is Bind(1, a).Bind(2, b).
  template <typename... Ts>
  Statement& BindAll(const Ts&... values) {
    int i = 0;
    (Bind(++i, values), ...);
    return *this;
  }

  // true: a row is available; false: done. Errors as Status.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  Statement& Reset();

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;
  std::optional<double> OptDouble(int col) const;
  std::optional<std::string> OptText(int col) const;

 private:
  Status Error(int rc) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool* lent_ = nullptr;
};

class Database {
 public:
  enum class Mode { kReadWriteCreate, kReadOnly };
  static Result<std::unique_ptr<Database>> Open(const std::string& path, Mode mode);
  ~Database();

  // Runs one or more statements, parsed each time (migrations, one-off pragmas).
  Status Exec(std::string_view sql);
  // One statement, from the cache when its text was prepared before (see above).
  Result<Statement> Prepare(std::string_view sql);
  // Statements in the cache (tests, benchmarks).
  std::size_t cached_statements() const { return cache_.size(); }
  // One statement with no parameters, run to completion through the cache (BEGIN, COMMIT).
  Status Run(std::string_view sql);
  Result<int64_t> QueryInt(std::string_view sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() { return db_; }
  // Transactions open on this connection (Transaction below): 0 = autocommit.
  int transaction_depth() const { return depth_; }

 private:
  friend class Transaction;
  explicit Database(sqlite3* db) : db_(db) {}
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool lent = false;
  };
  // Bounded: the store's SQL is a fixed set plus the filter combinations of QueryAlerts; past
  // this many texts a new one is prepared and finalized per use, as before the cache.
  static constexpr std::size_t kMaxCached = 256;
  sqlite3* db_;
  int depth_ = 0;
  std::unordered_map<std::string, Cached, StringHash, std::equal_to<>> cache_;
};

// The outermost Transaction on a connection runs BEGIN IMMEDIATE ... COMMIT; one begun while
// another is open is a SAVEPOINT inside it (RELEASE on Commit), so a store method that writes
// several rows atomically can also run as one step of a larger unit (Store::Atomically): its
// Commit then makes nothing durable, the outer COMMIT does. Destruction without a successful
// Commit rolls back (the outermost: ROLLBACK; a nested one: ROLLBACK TO its savepoint).
// Transactions nest strictly (LIFO), on the connection's one thread.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Database& db);
  Status Commit();
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Transaction(Database& db, int level) : db_(db), level_(level) {}
  std::string Savepoint() const;
  Database& db_;
  int level_;  // 1 = outermost
  bool done_ = false;
};

}  // namespace liqwatch::store
