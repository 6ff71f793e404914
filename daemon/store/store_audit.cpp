// Store methods for the audit log (store.h): one row per operator change.
#include "store/store.h"
#include "store/try.h"

namespace liqwatch::store {

Result<int64_t> Store::AddAudit(const AuditEntry& e) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("INSERT INTO audit (at, actor, action, target, detail) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5)"));
  st.Bind(1, e.at).Bind(2, e.actor).Bind(3, e.action).Bind(4, e.target).Bind(5, e.detail);
  LW_RETURN_IF_ERROR(st.Run());
  return db_->LastInsertId();
}

Result<std::vector<AuditEntry>> Store::AuditLog(int limit) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT id, at, actor, action, target, detail FROM audit "
                                       "ORDER BY id DESC LIMIT ?1"));
  st.Bind(1, limit);
  std::vector<AuditEntry> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)});
  }
  return out;
}

}  // namespace liqwatch::store
