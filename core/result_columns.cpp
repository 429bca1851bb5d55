#include "core/result_columns.h"

namespace sweep {

const ResultColumn* find_result_column(std::string_view name) {
  for (const auto& c : kResultColumns) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

double numeric_value(const ResultColumn& c, const TrialResult& r) {
  if (c.real != nullptr) return r.*c.real;
  if (c.integer != nullptr) return r.*c.integer;
  return TrialResult::kNaN;
}

std::string text_value(const ResultColumn& c, const TrialResult& r) {
  if (c.type == ResultType::kStatus) return status_name(r.status);
  return c.text != nullptr ? r.*c.text : std::string();
}

std::string stored_type_text(const ResultColumn& c) {
  switch (c.type) {
    case ResultType::kTrialId:
      return "uint64";
    case ResultType::kReal:
      return "float64";
    case ResultType::kInt:
      return "int32";
    case ResultType::kStatus:
    case ResultType::kLabel:
      return std::to_string(c.width) + " bytes";
    case ResultType::kText:
      break;
  }
  return "text number (≤" + std::to_string(c.width) + " bytes in version 1)";
}

}  // namespace sweep
