#include "core/trial_set.h"

#include <stdexcept>

#include "core/keys.h"

namespace sweep {

TrialSet::TrialSet()
    : pool_(known_keys().size()),
      index_(known_keys().size()),
      columns_(known_keys().size()),
      last_(known_keys().size(), 0) {}

std::uint32_t TrialSet::intern(std::size_t k, const std::string& v) {
  auto [it, added] = index_[k].emplace(v, static_cast<std::uint32_t>(pool_[k].size()));
  if (added) pool_[k].push_back(v);
  return it->second;
}

void TrialSet::add(std::uint64_t trial_id, const std::vector<const std::string*>& values) {
  if (values.size() != pool_.size()) {
    throw std::invalid_argument("TrialSet::add: " + std::to_string(values.size()) + " values for " +
                                std::to_string(pool_.size()) + " keys");
  }
  for (std::size_t k = 0; k < values.size(); ++k) {
    const std::string& v = *values[k];
    // Consecutive trials mostly share a key's value: compare before hashing.
    const std::uint32_t idx =
        !pool_[k].empty() && pool_[k][last_[k]] == v ? last_[k] : intern(k, v);
    last_[k] = idx;
    if (!columns_[k].empty()) {
      columns_[k].push_back(idx);
    } else if (idx != 0) {  // the key's second value: from now on it needs a column
      columns_[k].assign(ids_.size(), 0);
      columns_[k].push_back(idx);
    }
  }
  ids_.push_back(trial_id);
}

void TrialSet::add(const TrialSpec& spec) {
  const auto& keys = known_keys();
  if (spec.params.size() != keys.size()) {
    throw std::invalid_argument("TrialSet::add: the spec has " +
                                std::to_string(spec.params.size()) + " keys, not " +
                                std::to_string(keys.size()));
  }
  std::vector<const std::string*> values(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (spec.params[k].first != keys[k].name) {
      throw std::invalid_argument("TrialSet::add: the spec's key " + std::to_string(k) + " is '" +
                                  spec.params[k].first + "', not '" + keys[k].name + "'");
    }
    values[k] = &spec.params[k].second;
  }
  add(spec.trial_id, values);
}

const std::string& TrialSet::get(std::size_t i, const std::string& key) const {
  const KeySpec* spec = find_key(key);
  if (spec == nullptr) throw std::out_of_range("trial set has no key '" + key + "'");
  return value(i, static_cast<std::size_t>(spec - known_keys().data()));
}

std::vector<std::size_t> TrialSet::varying_keys() const {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    if (!columns_[k].empty()) out.push_back(k);
  }
  return out;
}

TrialSpec TrialSet::spec(std::size_t i) const {
  TrialSpec s;
  s.trial_id = ids_[i];
  const auto& keys = known_keys();
  s.params.reserve(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) s.params.emplace_back(keys[k].name, value(i, k));
  return s;
}

std::vector<TrialSpec> TrialSet::specs() const {
  std::vector<TrialSpec> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(spec(i));
  return out;
}

}  // namespace sweep
