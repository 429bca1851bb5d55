#include "core/trial.h"

#include <stdexcept>

namespace sweep {

const std::string& TrialSpec::get(const std::string& key) const {
  for (const auto& kv : params) {
    if (kv.first == key) return kv.second;
  }
  throw std::out_of_range("trial spec has no key '" + key + "'");
}

const char* status_name(Status s) {
  switch (s) {
    case Status::kOk:
      return "ok";
    case Status::kFailed:
      return "failed";
    case Status::kDiverged:
      return "diverged";
    case Status::kAbandoned:
      return "abandoned";
    case Status::kPruned:
      return "pruned";
  }
  return "failed";
}

Status status_from_name(const std::string& name) {
  if (name == "ok") return Status::kOk;
  if (name == "failed") return Status::kFailed;
  if (name == "diverged") return Status::kDiverged;
  if (name == "abandoned") return Status::kAbandoned;
  if (name == "pruned") return Status::kPruned;
  throw std::invalid_argument("unknown trial status '" + name + "'");
}

}  // namespace sweep
