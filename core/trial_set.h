// Many trials held compactly: each known key's distinct values once, and per trial only the
// index of its value for the keys whose value differs between trials. A million trials of a
// grid with three axes take about 20 bytes each instead of the ~4 KB of a million TrialSpecs;
// a TrialSpec is built on demand for the one trial that needs it.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/trial.h"

namespace sweep {

class TrialSet {
 public:
  // An empty set over the keys of known_keys(), in that order.
  TrialSet();

  // Appends a trial: `values[k]` is the value of known_keys()[k] (all of them, in order).
  // Throws std::invalid_argument when `values` has another size.
  void add(std::uint64_t trial_id, const std::vector<const std::string*>& values);
  // Appends `spec`, whose params must hold every known key in the order of known_keys().
  // Throws std::invalid_argument otherwise.
  void add(const TrialSpec& spec);

  std::size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  std::uint64_t id(std::size_t i) const { return ids_[i]; }
  const std::vector<std::uint64_t>& ids() const { return ids_; }

  // The value of key index `k` (into known_keys()) of trial `i`.
  const std::string& value(std::size_t i, std::size_t k) const {
    return pool_[k][columns_[k].empty() ? 0 : columns_[k][i]];
  }
  // The value of `key` of trial `i`; throws std::out_of_range on an unknown key.
  const std::string& get(std::size_t i, const std::string& key) const;
  // Key `k`'s distinct values among the trials, in the order they first appeared.
  const std::vector<std::string>& distinct(std::size_t k) const { return pool_[k]; }
  // The index of trial `i`'s value of key `k` in distinct(k).
  std::uint32_t value_index(std::size_t i, std::size_t k) const {
    return columns_[k].empty() ? 0 : columns_[k][i];
  }
  // The key indices whose value differs between some trials, ascending.
  std::vector<std::size_t> varying_keys() const;

  // Trial `i` as a TrialSpec (every known key, in order).
  TrialSpec spec(std::size_t i) const;
  TrialSpec operator[](std::size_t i) const { return spec(i); }
  TrialSpec front() const { return spec(0); }
  // Every trial as TrialSpecs: for small sets and tests; a large set should use spec(i).
  std::vector<TrialSpec> specs() const;

  // Iterates the trials as TrialSpecs built one at a time.
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = TrialSpec;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = TrialSpec;
    Iterator(const TrialSet* set, std::size_t i) : set_(set), i_(i) {}
    TrialSpec operator*() const { return set_->spec(i_); }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const TrialSet* set_;
    std::size_t i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, ids_.size()); }

 private:
  // The index of `v` in pool_[k], added when new.
  std::uint32_t intern(std::size_t k, const std::string& v);

  std::vector<std::uint64_t> ids_;
  std::vector<std::vector<std::string>> pool_;                         // per key: distinct values
  std::vector<std::unordered_map<std::string, std::uint32_t>> index_;  // per key: value -> pool
  std::vector<std::vector<std::uint32_t>> columns_;  // per key: per trial (empty: one value)
  std::vector<std::uint32_t> last_;                  // per key: the previous trial's index
};

}  // namespace sweep
