// Message templates: plain text with {{placeholder}} substitution and nothing else.
//
// Contract: RenderTemplate replaces each {{name}} (spaces inside the braces allowed) with
// vars[name]; the values are inserted verbatim and never re-scanned, so a value containing
// "{{x}}" stays literal. There are no conditionals, loops, filters or code: a template cannot
// execute anything. An unknown name renders as the empty string; CheckTemplate reports it
// (used at config load). Pure functions, thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace liqwatch::notify {

std::string RenderTemplate(std::string_view text, const std::map<std::string, std::string>& vars);
// Names used in `text` that are not in `known` (in order of appearance), and an error for an
// unterminated "{{".
std::vector<std::string> CheckTemplate(std::string_view text,
                                       const std::vector<std::string>& known);

}  // namespace liqwatch::notify
