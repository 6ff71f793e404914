// The store's one idiom for propagating SQLite errors out of a method (store/*.cpp only).
//
// Contract: LW_RETURN_IF_ERROR(expr) returns expr's Status from the enclosing function when it
// is not ok; LW_ASSIGN_OR_RETURN(name, expr) evaluates a Result<T>, returns its Status when it
// is an error, else binds `name` to the value (a reference into a local). Not for headers that
// other folders include.
#pragma once

#define LW_RETURN_IF_ERROR(expr) \
  do {                           \
    auto _s = (expr);            \
    if (!_s.ok()) return _s;     \
  } while (0)

#define LW_ASSIGN_OR_RETURN(lhs, expr)                  \
  auto lhs##_result = (expr);                           \
  if (!lhs##_result.ok()) return lhs##_result.status(); \
  auto& lhs = lhs##_result.value()
